using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;
using Aggregator.Crypto.Prover.Lanes;
using Aggregator.Crypto.Prover.Msm;

namespace Aggregator.Crypto.Prover.Vectors;

/// <summary>The vector work four field elements at a time, one per 64-bit lane of an AVX2 register (<see cref="LaneMontgomery{TModulus}"/>).</summary>
internal sealed class LaneBackend : VectorBackend
{
    // 32·R mod r: a root times it, taken by the lane product P(a, b) = ab/(32R), multiplies by the root.
    private static readonly Fr LaneScale = Fr.FromUInt64(32);

    private static readonly FieldLanes ThreeR = LaneMontgomery<FrModulus>.MultipleOfModulus(3);

    // 1024 in Montgomery form (1024·R): P(w, it) = 32·w, which the lane product P(c, 32·w) = c·w takes back.
    private static readonly FieldLanes ThirtyTwoFoldFactor = LaneMontgomery<FrModulus>.BroadcastMontgomeryForm(1024);

    /// <summary>A domain's roots, inverse roots and coset factors times 32, for the lane product.</summary>
    private sealed class DomainTables(FrDomain domain)
    {
        public Fr[] Roots { get; } = Scaled(domain.Roots);

        public Fr[] InverseRoots { get; } = Scaled(domain.InverseRoots);

        public Lazy<Fr[]> CosetFactors { get; } = new(() => Scaled(domain.CosetFactors));

        private static Fr[] Scaled(Fr[] values) => [.. values.Select(v => Fr.MontgomeryMultiply(v, LaneScale))];
    }

    public override object? Prepare(FrDomain domain) => new DomainTables(domain);

    public override void Butterflies(FrDomain domain, object? prepared, Fr[] values, Fr[] roots, bool scaleForCoset, int parts)
    {
        if (values.Length < 8)
        {
            Scalar.Butterflies(domain, null, values, roots, scaleForCoset, parts);
            return;
        }
        var tables = (DomainTables)prepared!;
        LaneStages(values, roots, ReferenceEquals(roots, domain.Roots) ? tables.Roots : tables.InverseRoots, scaleForCoset ? tables.CosetFactors.Value : null, parts);
    }

    /// <summary>
    /// The stages after the bit reversal: those joining blocks of 1 and 2 values by the scalar
    /// <see cref="ScalarBackend.Stage"/>, then the others with the values in lanes (group g holds values 4g to 4g + 3)
    /// and four butterflies of one block at a time. Each core first runs every stage whose blocks lie
    /// within its share of the values, with no join between them; only the last log2(parts) stages
    /// join. Values are not reduced between stages: each stage adds below 3r to a value (a product by
    /// a canonical root is below 2r, and 3r is the offset of the subtraction), so after the at most 25
    /// lane stages of a domain (2^27 points at most) they stay below 76r, within the lane product's
    /// bound for a canonical factor and below 2^261.
    /// </summary>
    private static void LaneStages(Fr[] values, Fr[] roots, Fr[] laneRoots, Fr[]? laneFactors, int parts)
    {
        var n = values.Length;
        var count = n / 4;
        var share = n / parts; // values per part
        var groups = ArrayPool<FieldLanes>.Shared.Rent(count); // 2.4 MB for 2^15 points: reused, not left to the large object heap
        ForParts(count, parts, (first, last) =>
        {
            ScalarBackend.Stage(values, roots, 1, 2 * first, 2 * last);
            ScalarBackend.Stage(values, roots, 2, 2 * first, 2 * last);
            var words = MemoryMarshal.Cast<Fr, Vector256<ulong>>(values.AsSpan());
            for (var g = first; g < last; g++)
            {
                LaneMontgomery<FrModulus>.Load(words, 4 * g, 1, default, ref groups[g]);
            }
            for (var half = 4; 2 * half <= share; half <<= 1)
            {
                LaneStage(groups, laneRoots, n, half, first / 2, last / 2);
            }
        });
        for (var half = Math.Max(4, share); half < n; half <<= 1)
        {
            var stageHalf = half;
            ForParts(n / 8, parts, (first, last) => LaneStage(groups, laneRoots, n, stageHalf, first, last));
        }
        ForParts(count, parts, (first, last) =>
        {
            var output = MemoryMarshal.Cast<Fr, Vector256<ulong>>(values.AsSpan());
            var factorWords = MemoryMarshal.Cast<Fr, Vector256<ulong>>(laneFactors.AsSpan());
            var factor = default(FieldLanes);
            for (var g = first; g < last; g++)
            {
                if (laneFactors is not null)
                {
                    LaneMontgomery<FrModulus>.Load(factorWords, 4 * g, 1, default, ref factor);
                    LaneMontgomery<FrModulus>.Multiply(groups[g], factor, ref groups[g]);
                }
                LaneMontgomery<FrModulus>.StoreCanonical(groups[g], output, 4 * g, 1);
            }
        });
        ArrayPool<FieldLanes>.Shared.Return(groups);
    }

    /// <summary>Lane butterflies [first, last) of the stage joining blocks of <paramref name="half"/> values (four butterflies each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LaneStage(FieldLanes[] groups, Fr[] laneRoots, int n, int half, int first, int last)
    {
        var rootWords = MemoryMarshal.Cast<Fr, Vector256<ulong>>(laneRoots);
        var stride = n / (2 * half); // ω_(2·half) = ω^stride
        var quarter = half / 4; // groups in half a block
        var root = default(FieldLanes);
        var product = default(FieldLanes);
        for (var b = first; b < last; b++)
        {
            var j = b % quarter;
            var top = (b - j) * 2 + j;
            LaneMontgomery<FrModulus>.Load(rootWords, 4 * j * stride, stride, default, ref root);
            LaneMontgomery<FrModulus>.Multiply(groups[top + quarter], root, ref product);
            LaneMontgomery<FrModulus>.Subtract(groups[top], product, ThreeR, ref groups[top + quarter]);
            LaneMontgomery<FrModulus>.Add(groups[top], product, ref groups[top]);
        }
    }

    private static void ForParts(int count, int parts, Action<int, int> body)
    {
        if (parts == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, parts, part => body(count * part / parts, count * (part + 1) / parts));
    }

    // 32·w for every witness value, four at a time in lanes: the lane product of a coefficient with it is the coefficient times w.
    public override Fr[] PrepareWitness(Fr[] witness)
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

    // The products gathered four at a time: coefficient times 32·w by the lane product.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void SumProducts(ProvingKey.QapCoefficient[] coefficients, int[] indices, Fr[] preparedWitness, byte[] kinds, Fr[] target)
    {
        Span<Vector256<ulong>> values = stackalloc Vector256<ulong>[4], factors = stackalloc Vector256<ulong>[4], products = stackalloc Vector256<ulong>[4];
        Span<int> slots = stackalloc int[4];
        var pending = 0;
        foreach (var index in indices)
        {
            ref readonly var coefficient = ref coefficients[index];
            var kind = kinds[coefficient.Signal];
            if (kind == QapEvaluation.OneValue)
            {
                ref var slot = ref target[coefficient.Constraint];
                slot = Fr.Add(slot, coefficient.Value);
            }
            else if (kind == QapEvaluation.OtherValue)
            {
                values[pending] = Word(coefficient.Value);
                factors[pending] = Word(preparedWitness[coefficient.Signal]);
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

    private static Vector256<ulong> Word(in Fr value) => MemoryMarshal.Cast<Fr, Vector256<ulong>>(new ReadOnlySpan<Fr>(in value))[0];

    public override IAffineAdditions<T> AffineAdditions<T>() =>
        typeof(T) == typeof(Fq) ? (IAffineAdditions<T>)(object)new AffineAdditionLanes<FqLanes, Fq>()
        : typeof(T) == typeof(Fq2) ? (IAffineAdditions<T>)(object)new AffineAdditionLanes<Fq2Lanes, Fq2>()
        : new ScalarAffineAdditions<T>();
}
