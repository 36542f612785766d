using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// Four elements of Fq2 in AVX2 lanes (G2's coordinates): the real and imaginary parts, each as
/// <see cref="FieldLanes"/>. An element of a span of Fq2 is two 256-bit words, real part first.
/// </summary>
internal struct Fq2Lanes : ICoordinateLanes<Fq2Lanes, Fq2>
{
    private FieldLanes _real, _imaginary;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(ReadOnlySpan<Vector256<ulong>> values, int first, bool padWithOne, ref Fq2Lanes lanes)
    {
        LaneMontgomery<FqModulus>.Load(values, 2 * first, 2, padWithOne ? FqLanes.OneWord : default, ref lanes._real);
        LaneMontgomery<FqModulus>.Load(values, 2 * first + 1, 2, default, ref lanes._imaginary);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyByBase(in Fq2Lanes a, in FieldLanes k, ref Fq2Lanes product)
    {
        LaneMontgomery<FqModulus>.Multiply(a._real, k, ref product._real);
        LaneMontgomery<FqModulus>.Multiply(a._imaginary, k, ref product._imaginary);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Subtract(in Fq2Lanes a, in Fq2Lanes b, int k, ref Fq2Lanes difference)
    {
        LaneMontgomery<FqModulus>.Subtract(a._real, b._real, FqLanes.MultiplesOfP[k], ref difference._real);
        LaneMontgomery<FqModulus>.Subtract(a._imaginary, b._imaginary, FqLanes.MultiplesOfP[k], ref difference._imaginary);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddUnreduced(in Fq2Lanes a, in Fq2Lanes b, ref Fq2Lanes sum)
    {
        LaneMontgomery<FqModulus>.AddUnreduced(a._real, b._real, ref sum._real);
        LaneMontgomery<FqModulus>.AddUnreduced(a._imaginary, b._imaginary, ref sum._imaginary);
    }
}
