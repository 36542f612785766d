using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// The batched affine additions of <see cref="AffineAdditionBatch{T}"/>, four at a time in AVX2 lanes:
/// addition k is lane k mod 4 of group k / 4, each lane runs its own chain of Montgomery's trick, and
/// the four chains share one inversion.
/// <para>
/// The lane product P(a, b) = ab/(32R) (<see cref="LaneMontgomery{TModulus}"/>) on values in the scalar
/// form xR drifts by 1/32 per product; the constant f = 128·√2 (2 is a square mod p, as p ≡ 7 mod 8)
/// absorbs it with no product added. With the chains' inverse multiplied by f, the slope comes out as
/// λ·s with s = 4√2·R, and s² = 32R², so P(λs, λs) = λ²R, the scalar form again. The last product needs
/// x1 − x3 in the same scale: P(x1 − x3, fR) gives it.
/// </para>
/// </summary>
internal sealed class AffineAdditionLanes<TLanes, T> : IAffineAdditions<T>
    where TLanes : struct, ICoordinateLanes<TLanes, T>
    where T : struct, IFieldElement<T>
{
    private static readonly BigInteger P = Fq.Modulus;
    private static readonly int WordsPerElement = Unsafe.SizeOf<T>() / Unsafe.SizeOf<Vector256<ulong>>();

    /// <summary>f = 128·√2 mod p as a scalar element (real, for Fq2), and fR broadcast to lanes.</summary>
    private static readonly Fq ScaleOfFq = Fq.FromBigInteger(128 * SquareRootOfTwo() % P);
    private static readonly T Scale = typeof(T) == typeof(Fq2) ? (T)(object)new Fq2(ScaleOfFq, Fq.Zero) : (T)(object)ScaleOfFq;
    private static readonly FieldLanes ScaleLanes = LaneMontgomery<FqModulus>.Broadcast(MemoryMarshal.Cast<Fq, Limbs>([ScaleOfFq])[0].ToBigInteger());

    /// <summary>The identity of the lane product: 2^261 mod p (its real part, for Fq2).</summary>
    private static readonly TLanes Identity = IdentityLanes();

    private TLanes[] _denominators = [], _prefixes = [];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Span<T> x1Values, Span<T> y1Values, ReadOnlySpan<T> x2Values, ReadOnlySpan<T> y2Values)
    {
        var count = x1Values.Length;
        var x1 = MemoryMarshal.Cast<T, Vector256<ulong>>(x1Values);
        var y1 = MemoryMarshal.Cast<T, Vector256<ulong>>(y1Values);
        var x2 = MemoryMarshal.Cast<T, Vector256<ulong>>(x2Values[..count]);
        var y2 = MemoryMarshal.Cast<T, Vector256<ulong>>(y2Values[..count]);
        var groups = (count + 3) / 4;
        if (_denominators.Length < groups)
        {
            (_denominators, _prefixes) = (new TLanes[groups], new TLanes[groups]);
        }
        TLanes a = default, b = default, c = default, d = default;

        // Forward: prefix[g] is the product of the differences before group g, lane by lane. Bounds
        // below are in multiples of p, per coefficient (the larger one of Fq2's Karatsuba).
        var product = Identity;
        for (var g = 0; g < groups; g++)
        {
            TLanes.Load(x1, 4 * g, padWithOne: false, ref a);
            TLanes.Load(x2, 4 * g, padWithOne: true, ref b); // lanes past the end add (1, 0) to (0, 0)
            TLanes.Subtract(b, a, 2, ref _denominators[g]); // dx, below 3p
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
            TLanes.Load(y1, 4 * g, padWithOne: false, ref a);
            TLanes.Load(y2, 4 * g, padWithOne: false, ref b);
            ref var slope = ref d;
            TLanes.Subtract(b, a, 2, ref b); // dy, below 3p
            TLanes.Multiply(b, dxInverse, ref slope); // λ·s, below 7p
            TLanes.Multiply(slope, slope, ref c); // λ²R, below 7p
            TLanes.Load(x1, 4 * g, padWithOne: false, ref a);
            TLanes.Load(x2, 4 * g, padWithOne: true, ref b);
            TLanes.AddUnreduced(a, b, ref b); // below 2p
            TLanes.Subtract(c, b, 3, ref c); // x3, below 10p
            TLanes.Subtract(a, c, 11, ref a); // x1 − x3, below 12p
            TLanes.Store(c, x1, 4 * g);
            TLanes.MultiplyByBase(a, ScaleLanes, ref a); // (x1 − x3)·s, below 2p
            TLanes.Multiply(slope, a, ref a); // λ(x1 − x3)R
            TLanes.Load(y1, 4 * g, padWithOne: false, ref b);
            TLanes.Subtract(a, b, 2, ref a); // y3
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
        var inverse = T.Multiply(T.Multiply(t01, t23).Inverse(), Scale);
        var (i01, i23) = (T.Multiply(inverse, t23), T.Multiply(inverse, t01));
        (t[0], t[1], t[2], t[3]) = (T.Multiply(i01, t[1]), T.Multiply(i01, t[0]), T.Multiply(i23, t[3]), T.Multiply(i23, t[2]));
        var lanes = default(TLanes);
        TLanes.Load(words, 0, padWithOne: false, ref lanes);
        return lanes;
    }

    // Loaded from the identity's words like any element: P(identity, b) = b.
    private static TLanes IdentityLanes()
    {
        var identity = Limbs.FromBigInteger(BigInteger.ModPow(2, 261, P));
        Span<Vector256<ulong>> words = stackalloc Vector256<ulong>[4 * WordsPerElement];
        for (var lane = 0; lane < 4; lane++)
        {
            words[lane * WordsPerElement] = MemoryMarshal.Cast<Limbs, Vector256<ulong>>([identity])[0];
        }
        var lanes = default(TLanes);
        TLanes.Load(words, 0, padWithOne: false, ref lanes);
        return lanes;
    }

    // p ≡ 3 mod 4, so a square a has the root a^((p+1)/4); p ≡ 7 mod 8 makes 2 a square.
    private static BigInteger SquareRootOfTwo()
    {
        var root = BigInteger.ModPow(2, (P + 1) / 4, P);
        return root * root % P == 2 ? root : throw new InvalidOperationException("2 is not a square mod p");
    }
}
