using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Groth16;

/// <summary>
/// A·w and B·w at every constraint: the evaluations of the QAP's A(x) and B(x) on the domain, from the
/// key's sparse coefficients, one matrix per core. A third of a circuit's witness values are 0 and a
/// seventh 1 (range-check bits): their terms need no product. The others' products run four at a time
/// in AVX2 lanes where the CPU has them.
/// </summary>
internal sealed class QapEvaluation
{
    private const byte ZeroValue = 0, OneValue = 1, OtherValue = 2;

    // 1024 in Montgomery form (1024·R): P(w, it) = 32·w, which the lane product P(c, 32·w) = c·w takes back.
    private static readonly FieldLanes ThirtyTwoFoldFactor = LaneMontgomery<FrModulus>.BroadcastMontgomeryForm(1024);

    private readonly ProvingKey.QapCoefficient[] _coefficients;
    private readonly int[][] _matrices; // the indices of A's coefficients, then B's
    private readonly int _constraints;
    private readonly bool _lanes;

    /// <param name="useLanes">False keeps the scalar path (to hold the lanes to it in tests).</param>
    public QapEvaluation(ProvingKey.QapCoefficient[] coefficients, int constraints, bool useLanes = true)
    {
        _coefficients = coefficients;
        _matrices = [.. Enumerable.Range(0, 2).Select(matrix => Enumerable.Range(0, coefficients.Length).Where(i => coefficients[i].Matrix == matrix).ToArray())];
        _constraints = constraints;
        _lanes = useLanes && LaneMontgomery<FrModulus>.IsSupported;
    }

    public (Fr[] A, Fr[] B) Evaluate(Fr[] witness)
    {
        var kinds = new byte[witness.Length];
        for (var i = 0; i < witness.Length; i++)
        {
            kinds[i] = witness[i] == Fr.Zero ? ZeroValue : witness[i] == Fr.One ? OneValue : OtherValue;
        }
        var scaled = _lanes ? ThirtyTwoFold(witness) : witness;
        var targets = new[] { new Fr[_constraints], new Fr[_constraints] };
        Parallel.For(0, 2, matrix =>
        {
            if (_lanes)
            {
                SumInLanes(_coefficients, _matrices[matrix], scaled, kinds, targets[matrix]);
            }
            else
            {
                Sum(_coefficients, _matrices[matrix], witness, kinds, targets[matrix]);
            }
        });
        return (targets[0], targets[1]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sum(ProvingKey.QapCoefficient[] coefficients, int[] matrix, Fr[] witness, byte[] kinds, Fr[] target)
    {
        foreach (var index in matrix)
        {
            ref readonly var coefficient = ref coefficients[index];
            var kind = kinds[coefficient.Signal];
            if (kind != ZeroValue)
            {
                ref var slot = ref target[coefficient.Constraint];
                slot = Fr.Add(slot, kind == OneValue ? coefficient.Value : Fr.MontgomeryMultiply(coefficient.Value, witness[coefficient.Signal]));
            }
        }
    }

    // As Sum, the products gathered four at a time: coefficient times 32·w by the lane product.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumInLanes(ProvingKey.QapCoefficient[] coefficients, int[] matrix, Fr[] scaledWitness, byte[] kinds, Fr[] target)
    {
        Span<Vector256<ulong>> values = stackalloc Vector256<ulong>[4], factors = stackalloc Vector256<ulong>[4], products = stackalloc Vector256<ulong>[4];
        Span<int> slots = stackalloc int[4];
        var pending = 0;
        foreach (var index in matrix)
        {
            ref readonly var coefficient = ref coefficients[index];
            var kind = kinds[coefficient.Signal];
            if (kind == OneValue)
            {
                ref var slot = ref target[coefficient.Constraint];
                slot = Fr.Add(slot, coefficient.Value);
            }
            else if (kind == OtherValue)
            {
                values[pending] = Word(coefficient.Value);
                factors[pending] = Word(scaledWitness[coefficient.Signal]);
                slots[pending++] = coefficient.Constraint;
                if (pending == 4)
                {
                    AddProducts(values, factors, products, slots, 4, target);
                    pending = 0;
                }
            }
        }
        if (pending > 0)
        {
            values[pending..].Clear(); // products 0, added nowhere
            AddProducts(values, factors, products, slots, pending, target);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddProducts(Span<Vector256<ulong>> values, Span<Vector256<ulong>> factors, Span<Vector256<ulong>> products, Span<int> slots, int count, Fr[] target)
    {
        FieldLanes a = default, b = default;
        LaneMontgomery<FrModulus>.Load(values[0], values[1], values[2], values[3], ref a);
        LaneMontgomery<FrModulus>.Load(factors[0], factors[1], factors[2], factors[3], ref b);
        LaneMontgomery<FrModulus>.Multiply(a, b, ref a);
        LaneMontgomery<FrModulus>.StoreCanonical(a, products, 0, 1);
        var sums = MemoryMarshal.Cast<Vector256<ulong>, Fr>(products);
        for (var k = 0; k < count; k++)
        {
            target[slots[k]] = Fr.Add(target[slots[k]], sums[k]);
        }
    }

    // 32·w for every witness value, four at a time in lanes.
    private static Fr[] ThirtyTwoFold(Fr[] witness)
    {
        var scaled = new Fr[witness.Length];
        var from = MemoryMarshal.Cast<Fr, Vector256<ulong>>(witness.AsSpan());
        var to = MemoryMarshal.Cast<Fr, Vector256<ulong>>(scaled.AsSpan());
        var lanes = default(FieldLanes);
        for (var g = 0; g < (witness.Length + 3) / 4; g++)
        {
            LaneMontgomery<FrModulus>.Load(from, 4 * g, 1, default, ref lanes);
            LaneMontgomery<FrModulus>.Multiply(lanes, ThirtyTwoFoldFactor, ref lanes);
            LaneMontgomery<FrModulus>.StoreCanonical(lanes, to, 4 * g, 1);
        }
        return scaled;
    }

    private static Vector256<ulong> Word(in Fr value) => MemoryMarshal.Cast<Fr, Vector256<ulong>>(new ReadOnlySpan<Fr>(in value))[0];
}
