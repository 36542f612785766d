using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;
using Aggregator.Crypto.Prover.Msm;

namespace Aggregator.Crypto.Prover.Lanes;

/// <summary>
/// The batched affine additions of <see cref="Vectors.ScalarAffineAdditions{T}"/>, four at a time in AVX2 lanes:
/// addition k is lane k mod 4 of group k / 4, each lane runs its own chain of Montgomery's trick, and
/// the four chains share one inversion.
/// <para>
/// The lane product P(a, b) = ab/(32R) (<see cref="LaneMontgomery{TModulus}"/>) on values in the scalar
/// form xR drifts by 1/32 per product. Along each chain the drift cancels: the running inverse, times a
/// constant f, gives 1/dx in the form (1/dx)·fR whatever the chain's length. The slope P(dy, (1/dx)·fR)
/// is then λ·fR/32, and the coordinate lanes choose f so that λ², λ(x1 − x3) and so x3, y3 come out in
/// the scalar form: for G1, f = 32 and a shift (six products per addition); for G2, f = 128·√2 and one
/// more product by a constant (see <see cref="FqLanes"/>, <see cref="Fq2Lanes"/>).
/// </para>
/// </summary>
internal sealed class AffineAdditionLanes<TLanes, T> : IAffineAdditions<T>
    where TLanes : struct, ICoordinateLanes<TLanes, T>
    where T : struct, IFieldElement<T>
{
    private static readonly int WordsPerElement = Unsafe.SizeOf<T>() / Unsafe.SizeOf<Vector256<ulong>>();

    /// <summary>The identity of the lane product: 2^261 mod p (its real part, for Fq2).</summary>
    private static readonly TLanes Identity = IdentityLanes();

    // Per group of four: dx, the chains' prefix products, and x1 and x1 + x2 as loaded in the forward
    // pass (the backward pass needs them again; keeping them is cheaper than a second load's transpose).
    private TLanes[] _denominators = [], _prefixes = [], _x1 = [], _xSums = [];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Span<T> x1Values, Span<T> y1Values, ReadOnlySpan<T> x2Values, ReadOnlySpan<T> y2Values)
    {
        var count = x1Values.Length;
        if (count == 0)
        {
            return;
        }
        var x1 = MemoryMarshal.Cast<T, Vector256<ulong>>(x1Values);
        var y1 = MemoryMarshal.Cast<T, Vector256<ulong>>(y1Values);
        var x2 = MemoryMarshal.Cast<T, Vector256<ulong>>(x2Values[..count]);
        var y2 = MemoryMarshal.Cast<T, Vector256<ulong>>(y2Values[..count]);
        var groups = (count + 3) / 4;
        if (_denominators.Length < groups)
        {
            (_denominators, _prefixes, _x1, _xSums) = (new TLanes[groups], new TLanes[groups], new TLanes[groups], new TLanes[groups]);
        }
        TLanes a = default, b = default, c = default, d = default, e = default;

        // Forward: prefix[g] is the product of the differences before group g, lane by lane. Bounds
        // below are in multiples of p, per coefficient (the larger one of Fq2's Karatsuba).
        var product = Identity;
        for (var g = 0; g < groups; g++)
        {
            TLanes.Load(x1, 4 * g, padWithOne: false, ref _x1[g]);
            TLanes.Load(x2, 4 * g, padWithOne: true, ref b); // lanes past the end add (1, 0) to (0, 0)
            TLanes.Subtract(b, _x1[g], 2, ref _denominators[g]); // dx, below 3p
            TLanes.AddUnreduced(_x1[g], b, ref _xSums[g]); // below 2p
            _prefixes[g] = product;
            TLanes.Multiply(product, _denominators[g], ref product); // below 7p
        }
        var inverse = InverseTimesScale(product);

        // Backward: peel one difference off each lane's running inverse per group.
        for (var g = groups - 1; g >= 0; g--)
        {
            ref var dxInverse = ref c;
            TLanes.Multiply(inverse, _prefixes[g], ref dxInverse); // (1/dx)·fR
            TLanes.Multiply(inverse, _denominators[g], ref inverse);
            ref var y1Lanes = ref e;
            TLanes.Load(y1, 4 * g, padWithOne: false, ref y1Lanes);
            TLanes.Load(y2, 4 * g, padWithOne: false, ref b);
            TLanes.Subtract(b, y1Lanes, 2, ref b); // dy, below 3p
            TLanes.Multiply(b, dxInverse, ref d); // the slope, λ·fR/32: below 2p for G1, 7p for G2
            ref var partner = ref c;
            TLanes.SlopePartner(d, ref partner); // G1: 32·λR, below 64p; G2: the slope
            TLanes.Multiply(partner, d, ref d); // λ²R: below 2p for G1, 7p for G2
            TLanes.Subtract(d, _xSums[g], 3, ref d); // x3, below 10p
            TLanes.Subtract(_x1[g], d, 11, ref a); // x1 − x3, below 12p
            TLanes.Store(d, x1, 4 * g);
            TLanes.ScaleDifference(ref a);
            TLanes.Multiply(partner, a, ref a); // λ(x1 − x3)R: below 6p for G1 (64p·12p/2^261 + p), 7p for G2
            TLanes.Subtract(a, y1Lanes, 2, ref a); // y3
            TLanes.Store(a, y1, 4 * g);
        }
    }

    // The four lanes' products inverted with one inversion, each times f.
    private static TLanes InverseTimesScale(in TLanes products)
    {
        Span<Vector256<ulong>> words = stackalloc Vector256<ulong>[4 * WordsPerElement];
        TLanes.Store(products, words, 0);
        var t = MemoryMarshal.Cast<Vector256<ulong>, T>(words);
        var (t01, t23) = (T.Multiply(t[0], t[1]), T.Multiply(t[2], t[3]));
        var inverse = T.Multiply(T.Multiply(t01, t23).Inverse(), TLanes.InverseScale);
        var (i01, i23) = (T.Multiply(inverse, t23), T.Multiply(inverse, t01));
        (t[0], t[1], t[2], t[3]) = (T.Multiply(i01, t[1]), T.Multiply(i01, t[0]), T.Multiply(i23, t[3]), T.Multiply(i23, t[2]));
        var lanes = default(TLanes);
        TLanes.Load(words, 0, padWithOne: false, ref lanes);
        return lanes;
    }

    // Loaded from the identity's words like any element: P(identity, b) = b.
    private static TLanes IdentityLanes()
    {
        var identity = Limbs.FromBigInteger(BigInteger.ModPow(2, 261, Fq.Modulus));
        Span<Vector256<ulong>> words = stackalloc Vector256<ulong>[4 * WordsPerElement];
        for (var lane = 0; lane < 4; lane++)
        {
            words[lane * WordsPerElement] = MemoryMarshal.Cast<Limbs, Vector256<ulong>>([identity])[0];
        }
        var lanes = default(TLanes);
        TLanes.Load(words, 0, padWithOne: false, ref lanes);
        return lanes;
    }
}
