using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// The batched affine additions of <see cref="AffineAdditionBatch{T}"/> over G1, four at a time: addition
/// k is lane k mod 4 of group k / 4, and each lane runs its own chain of Montgomery's trick, the four
/// chains sharing one inversion.
/// <para>
/// The lane product P(a, b) = ab/(32R) (<see cref="LaneMontgomery{TModulus}"/>) on values in the scalar
/// form xR drifts by 1/32 per product; the constant f = 128·√2 (2 is a square mod p, as p ≡ 7 mod 8)
/// absorbs it with no product added. With the chain's inverse multiplied by f, the slope comes out
/// as λ·s with s = 4√2·R, and s² = 32R², so P(λs, λs) = λ²R, the scalar form again. The last product
/// needs x1 − x3 in the same scale: P(x1 − x3, fR) gives it. Seven products per addition in all.
/// </para>
/// </summary>
internal sealed class G1AdditionLanes
{
    private static readonly BigInteger P = Fq.Modulus;

    public static bool IsSupported => LaneMontgomery<FqModulus>.IsSupported;

    /// <summary>f = 128·√2 mod p, as a scalar element and broadcast to the lanes in its Montgomery form fR.</summary>
    private static readonly Fq Scale = Fq.FromBigInteger(128 * SquareRootOfTwo() % P);
    private static readonly FieldLanes ScaleLanes = LaneMontgomery<FqModulus>.Broadcast(ToBigInteger(Scale));

    /// <summary>2^261 mod p: P(identity, b) = b.</summary>
    private static readonly FieldLanes Identity = LaneMontgomery<FqModulus>.Broadcast(BigInteger.ModPow(2, 261, P));

    private static readonly FieldLanes TwoP = LaneMontgomery<FqModulus>.MultipleOfModulus(2);
    private static readonly FieldLanes ThreeP = LaneMontgomery<FqModulus>.MultipleOfModulus(3);
    private static readonly FieldLanes FiveP = LaneMontgomery<FqModulus>.MultipleOfModulus(5);

    // Lanes past the batch's end add (1, 0) to (0, 0): a non-zero difference of x, and nothing stored.
    private static readonly Vector256<ulong> OneForPadding = MemoryMarshal.Cast<Fq, Vector256<ulong>>([Fq.One])[0];

    private FieldLanes[] _denominators = [], _prefixes = [];

    /// <summary>See <see cref="AffineAdditionBatch{T}.Add"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Span<Fq> x1Values, Span<Fq> y1Values, ReadOnlySpan<Fq> x2Values, ReadOnlySpan<Fq> y2Values)
    {
        var x1 = MemoryMarshal.Cast<Fq, Vector256<ulong>>(x1Values);
        var y1 = MemoryMarshal.Cast<Fq, Vector256<ulong>>(y1Values);
        var x2 = MemoryMarshal.Cast<Fq, Vector256<ulong>>(x2Values)[..x1.Length];
        var y2 = MemoryMarshal.Cast<Fq, Vector256<ulong>>(y2Values)[..x1.Length];
        var groups = (x1.Length + 3) / 4;
        if (_denominators.Length < groups)
        {
            (_denominators, _prefixes) = (new FieldLanes[groups], new FieldLanes[groups]);
        }
        FieldLanes a = default, b = default, c = default, d = default;

        // Forward: prefix[g] is the product of the differences before group g, lane by lane.
        var product = Identity;
        for (var g = 0; g < groups; g++)
        {
            LaneMontgomery<FqModulus>.Load(x1, 4 * g, default, ref a);
            LaneMontgomery<FqModulus>.Load(x2, 4 * g, OneForPadding, ref b);
            LaneMontgomery<FqModulus>.Subtract(b, a, TwoP, ref _denominators[g]); // below 3p
            _prefixes[g] = product;
            LaneMontgomery<FqModulus>.Multiply(product, _denominators[g], ref product);
        }
        var inverse = InverseTimesScale(product);

        // Backward: peel one difference off each lane's running inverse per group.
        for (var g = groups - 1; g >= 0; g--)
        {
            ref var dxInverse = ref c;
            LaneMontgomery<FqModulus>.Multiply(inverse, _prefixes[g], ref dxInverse); // (1/dx)·fR
            LaneMontgomery<FqModulus>.Multiply(inverse, _denominators[g], ref inverse);
            LaneMontgomery<FqModulus>.Load(y1, 4 * g, default, ref a);
            LaneMontgomery<FqModulus>.Load(y2, 4 * g, default, ref b);
            ref var slope = ref d;
            LaneMontgomery<FqModulus>.Subtract(b, a, TwoP, ref b); // dy, below 3p
            LaneMontgomery<FqModulus>.Multiply(b, dxInverse, ref slope); // λ·s
            LaneMontgomery<FqModulus>.Multiply(slope, slope, ref c); // λ²R
            LaneMontgomery<FqModulus>.Load(x1, 4 * g, default, ref a);
            LaneMontgomery<FqModulus>.Load(x2, 4 * g, OneForPadding, ref b);
            LaneMontgomery<FqModulus>.AddUnreduced(a, b, ref b);
            LaneMontgomery<FqModulus>.Subtract(c, b, ThreeP, ref c); // x3, below 4.1p
            LaneMontgomery<FqModulus>.Subtract(a, c, FiveP, ref a); // x1 − x3, below 6p
            LaneMontgomery<FqModulus>.StoreCanonical(c, x1, 4 * g);
            LaneMontgomery<FqModulus>.Multiply(a, ScaleLanes, ref a); // (x1 − x3)·s
            LaneMontgomery<FqModulus>.Multiply(slope, a, ref a); // λ(x1 − x3)R
            LaneMontgomery<FqModulus>.Load(y1, 4 * g, default, ref b);
            LaneMontgomery<FqModulus>.Subtract(a, b, TwoP, ref a); // y3, below 4p
            LaneMontgomery<FqModulus>.StoreCanonical(a, y1, 4 * g);
        }
    }

    // The four lanes' products inverted with one inversion, each times f.
    private static FieldLanes InverseTimesScale(in FieldLanes products)
    {
        Span<Vector256<ulong>> words = stackalloc Vector256<ulong>[4];
        LaneMontgomery<FqModulus>.StoreCanonical(products, words, 0);
        var t = MemoryMarshal.Cast<Vector256<ulong>, Fq>(words);
        var (t01, t23) = (t[0] * t[1], t[2] * t[3]);
        var inverse = (t01 * t23).Inverse() * Scale;
        var (i01, i23) = (inverse * t23, inverse * t01);
        (t[0], t[1], t[2], t[3]) = (i01 * t[1], i01 * t[0], i23 * t[3], i23 * t[2]);
        var lanes = default(FieldLanes);
        LaneMontgomery<FqModulus>.Load(words, 0, default, ref lanes);
        return lanes;
    }

    private static BigInteger ToBigInteger(Fq value) => MemoryMarshal.Cast<Fq, Limbs>([value])[0].ToBigInteger();

    // p ≡ 3 mod 4, so a square a has the root a^((p+1)/4); p ≡ 7 mod 8 makes 2 a square.
    private static BigInteger SquareRootOfTwo()
    {
        var root = BigInteger.ModPow(2, (P + 1) / 4, P);
        return root * root % P == 2 ? root : throw new InvalidOperationException("2 is not a square mod p");
    }
}
