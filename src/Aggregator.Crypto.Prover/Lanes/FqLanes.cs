using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;

namespace Aggregator.Crypto.Prover.Lanes;

/// <summary>
/// Four elements of Fq in AVX2 lanes (G1's coordinates). The operations are compiled apart, optimized
/// at once: inlined, they made the kernel that calls them so large that the JIT's inlining budget ran
/// out and even the limb accessors became calls (216 of them in the G2 kernel).
/// </summary>
internal struct FqLanes : ICoordinateLanes<FqLanes, Fq>
{
    private FieldLanes _value;

    /// <summary>k·p for the offsets of subtractions, k up to 12, in the borrowing form subtraction needs.</summary>
    internal static readonly FieldLanes[] MultiplesOfP = [.. Enumerable.Range(0, 13).Select(k => k < 2 ? default : LaneMontgomery<FqModulus>.MultipleOfModulus(k))];

    internal static readonly Vector256<ulong> OneWord = MemoryMarshal.Cast<Fq, Vector256<ulong>>([Fq.One])[0];

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Load(ReadOnlySpan<Vector256<ulong>> values, int first, bool padWithOne, ref FqLanes lanes) =>
        LaneMontgomery<FqModulus>.Load(values, first, 1, padWithOne ? OneWord : default, ref lanes._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // forwards to a method compiled apart
    public static void Store(in FqLanes lanes, Span<Vector256<ulong>> values, int first) =>
        LaneMontgomery<FqModulus>.StoreCanonical(lanes._value, values, first, 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // forwards to a method compiled apart
    public static void Multiply(in FqLanes a, in FqLanes b, ref FqLanes product) =>
        LaneMontgomery<FqModulus>.Multiply(a._value, b._value, ref product._value);

    /// <summary>f = 32: the slope comes out as λR, and its partner 32·λR costs a shift instead of a product.</summary>
    public static Fq InverseScale { get; } = Fq.From(32);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void SlopePartner(in FqLanes slope, ref FqLanes partner) =>
        LaneMontgomery<FqModulus>.MultiplyBy32(slope._value, ref partner._value);

    /// <summary>Already in scale: P(32λR, (x1 − x3)R) = λ(x1 − x3)R.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScaleDifference(ref FqLanes difference)
    {
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Subtract(in FqLanes a, in FqLanes b, int k, ref FqLanes difference) =>
        LaneMontgomery<FqModulus>.Subtract(a._value, b._value, MultiplesOfP[k], ref difference._value);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AddUnreduced(in FqLanes a, in FqLanes b, ref FqLanes sum) =>
        LaneMontgomery<FqModulus>.AddUnreduced(a._value, b._value, ref sum._value);
}
