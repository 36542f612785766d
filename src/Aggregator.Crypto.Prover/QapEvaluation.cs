using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;
using Aggregator.Crypto.Prover.Lanes;
using Aggregator.Crypto.Prover.Msm;

namespace Aggregator.Crypto.Prover;

/// <summary>
/// A·w and B·w at every constraint: the evaluations of the QAP's A(x) and B(x) on the domain, from the
/// key's sparse coefficients, in chunks of whole constraints that go to whichever core is free. A third of a circuit's witness values are 0 and a
/// seventh 1 (range-check bits): their terms need no product. The others' products run four at a time
/// in AVX2 lanes where the CPU has them.
/// </summary>
internal sealed class QapEvaluation
{
    private const byte ZeroValue = 0, OneValue = 1, OtherValue = 2;

    // 1024 in Montgomery form (1024·R): P(w, it) = 32·w, which the lane product P(c, 32·w) = c·w takes back.
    private static readonly FieldLanes ThirtyTwoFoldFactor = LaneMontgomery<FrModulus>.BroadcastMontgomeryForm(1024);

    private readonly ProvingKey.QapCoefficient[] _coefficients;
    private readonly (int Matrix, int[] Indices)[] _chunks; // coefficient indices, each chunk's constraints its own
    private readonly int _constraints;
    private readonly bool _lanes;

    /// <param name="useLanes">False keeps the scalar path (to hold the lanes to it in tests).</param>
    public QapEvaluation(ProvingKey.QapCoefficient[] coefficients, int constraints, bool useLanes = true)
    {
        _coefficients = coefficients;
        _chunks = Chunks(coefficients, 8 * Environment.ProcessorCount);
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
        // Chunks rather than one matrix per core: B has half as many terms again as A, and beside the
        // proof's other work a core may join late.
        Parallel.For(0, _chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, chunk =>
        {
            var (matrix, indices) = _chunks[chunk];
            if (_lanes)
            {
                SumInLanes(_coefficients, indices, scaled, kinds, targets[matrix]);
            }
            else
            {
                Sum(_coefficients, indices, witness, kinds, targets[matrix]);
            }
        });
        return (targets[0], targets[1]);
    }

    // Each matrix's coefficients by constraint, cut into about `count` chunks of similar size, each cut
    // between two constraints, so that no two chunks add into the same slot.
    private static (int Matrix, int[] Indices)[] Chunks(ProvingKey.QapCoefficient[] coefficients, int count)
    {
        var size = Math.Max(1, coefficients.Length / count);
        var chunks = new List<(int, int[])>();
        for (var matrix = 0; matrix < 2; matrix++)
        {
            var indices = Enumerable.Range(0, coefficients.Length).Where(i => coefficients[i].Matrix == matrix).OrderBy(i => coefficients[i].Constraint).ToArray();
            var start = 0;
            while (start < indices.Length)
            {
                var end = Math.Min(start + size, indices.Length);
                while (end < indices.Length && coefficients[indices[end]].Constraint == coefficients[indices[end - 1]].Constraint)
                {
                    end++;
                }
                chunks.Add((matrix, indices[start..end]));
                start = end;
            }
        }
        return [.. chunks];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sum(ProvingKey.QapCoefficient[] coefficients, int[] indices, Fr[] witness, byte[] kinds, Fr[] target)
    {
        foreach (var index in indices)
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
    private static void SumInLanes(ProvingKey.QapCoefficient[] coefficients, int[] indices, Fr[] scaledWitness, byte[] kinds, Fr[] target)
    {
        Span<Vector256<ulong>> values = stackalloc Vector256<ulong>[4], factors = stackalloc Vector256<ulong>[4], products = stackalloc Vector256<ulong>[4];
        Span<int> slots = stackalloc int[4];
        var pending = 0;
        foreach (var index in indices)
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
