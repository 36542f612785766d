using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;

namespace Aggregator.Crypto.Prover.Lanes;

/// <summary>
/// Four elements of Fq2 in AVX2 lanes (G2's coordinates): the real and imaginary parts, each as
/// <see cref="FieldLanes"/>. An element of a span of Fq2 is two 256-bit words, real part first.
/// The operations are compiled apart (not inlined) as <see cref="FqLanes"/>'s are.
/// </summary>
internal struct Fq2Lanes : ICoordinateLanes<Fq2Lanes, Fq2>
{
    private FieldLanes _real, _imaginary;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Load(ReadOnlySpan<Vector256<ulong>> values, int first, bool padWithOne, ref Fq2Lanes lanes)
    {
        LaneMontgomery<FqModulus>.Load(values, 2 * first, 2, padWithOne ? FqLanes.OneWord : default, ref lanes._real);
        LaneMontgomery<FqModulus>.Load(values, 2 * first + 1, 2, default, ref lanes._imaginary);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Store(in Fq2Lanes lanes, Span<Vector256<ulong>> values, int first)
    {
        LaneMontgomery<FqModulus>.StoreCanonical(lanes._real, values, 2 * first, 2);
        LaneMontgomery<FqModulus>.StoreCanonical(lanes._imaginary, values, 2 * first + 1, 2);
    }

    /// <summary>
    /// Karatsuba: (a0·b0 − a1·b1) + ((a0 + a1)(b0 + b1) − a0·b0 − a1·b1)·u, three lane products. With
    /// operands' coefficients below 5p and 7p (this product's own output) the sums stay below 12p, and
    /// 12p·12p is below p·2^261, as the lane product needs. The product may be an operand.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(in Fq2Lanes a, in Fq2Lanes b, ref Fq2Lanes product)
    {
        FieldLanes real = default, imaginary = default, sumA = default, sumB = default;
        LaneMontgomery<FqModulus>.Multiply(a._real, b._real, ref real);
        LaneMontgomery<FqModulus>.Multiply(a._imaginary, b._imaginary, ref imaginary);
        LaneMontgomery<FqModulus>.AddUnreduced(a._real, a._imaginary, ref sumA);
        LaneMontgomery<FqModulus>.AddUnreduced(b._real, b._imaginary, ref sumB);
        LaneMontgomery<FqModulus>.Multiply(sumA, sumB, ref sumA);
        LaneMontgomery<FqModulus>.Subtract(real, imaginary, FqLanes.MultiplesOfP[3], ref product._real); // below 5p
        LaneMontgomery<FqModulus>.AddUnreduced(real, imaginary, ref real);
        LaneMontgomery<FqModulus>.Subtract(sumA, real, FqLanes.MultiplesOfP[5], ref product._imaginary); // below 7p
    }

    // f = 128·√2 mod p (2 is a square mod p, as p ≡ 7 mod 8), and fR broadcast to lanes.
    private static readonly BigInteger ScaleValue = 128 * SquareRootOfTwo() % Fq.Modulus;
    private static readonly Fq Scale = Fq.FromBigInteger(ScaleValue);
    private static readonly FieldLanes ScaleLanes = LaneMontgomery<FqModulus>.BroadcastMontgomeryForm(ScaleValue);

    /// <summary>
    /// f = 128·√2: the slope comes out as λ·s with s = 4√2·R, and s² = 32R², so P(λs, λs) = λ²R. (The shift
    /// that serves G1 would leave the Karatsuba sums of 32λ too large for the lane product's bounds.)
    /// </summary>
    public static Fq2 InverseScale { get; } = new(Scale, Fq.Zero);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SlopePartner(in Fq2Lanes slope, ref Fq2Lanes partner) => partner = slope;

    /// <summary>P(x1 − x3, fR) = (x1 − x3)·s, so that P(λs, (x1 − x3)s) = λ(x1 − x3)R: two lane products.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ScaleDifference(ref Fq2Lanes difference)
    {
        LaneMontgomery<FqModulus>.Multiply(difference._real, ScaleLanes, ref difference._real);
        LaneMontgomery<FqModulus>.Multiply(difference._imaginary, ScaleLanes, ref difference._imaginary);
    }

    // p ≡ 3 mod 4, so a square a has the root a^((p+1)/4).
    private static BigInteger SquareRootOfTwo()
    {
        var root = BigInteger.ModPow(2, (Fq.Modulus + 1) / 4, Fq.Modulus);
        return root * root % Fq.Modulus == 2 ? root : throw new InvalidOperationException("2 is not a square mod p");
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Subtract(in Fq2Lanes a, in Fq2Lanes b, int k, ref Fq2Lanes difference)
    {
        LaneMontgomery<FqModulus>.Subtract(a._real, b._real, FqLanes.MultiplesOfP[k], ref difference._real);
        LaneMontgomery<FqModulus>.Subtract(a._imaginary, b._imaginary, FqLanes.MultiplesOfP[k], ref difference._imaginary);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AddUnreduced(in Fq2Lanes a, in Fq2Lanes b, ref Fq2Lanes sum)
    {
        LaneMontgomery<FqModulus>.AddUnreduced(a._real, b._real, ref sum._real);
        LaneMontgomery<FqModulus>.AddUnreduced(a._imaginary, b._imaginary, ref sum._imaginary);
    }
}
