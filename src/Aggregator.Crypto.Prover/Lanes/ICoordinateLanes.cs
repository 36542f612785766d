using System.Runtime.Intrinsics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;

namespace Aggregator.Crypto.Prover.Lanes;

/// <summary>
/// Four coordinates of a curve (elements of Fq for G1, Fq2 for G2) in AVX2 lanes: the operations of
/// <see cref="AffineAdditionLanes{TLanes, T}"/>. Products are the lane product P(a, b) = ab/(32R) of
/// <see cref="LaneMontgomery{TModulus}"/>, extended to Fq2 by Karatsuba; values run above p, each
/// operation's bounds in p's multiples are those of the kernel's comments.
/// </summary>
internal interface ICoordinateLanes<TSelf, T>
    where TSelf : struct, ICoordinateLanes<TSelf, T>
    where T : struct, IFieldElement<T>
{
    /// <summary>Lanes for values[first..first + 4), canonical elements seen as 256-bit words; past the end 1 or 0.</summary>
    static abstract void Load(ReadOnlySpan<Vector256<ulong>> values, int first, bool padWithOne, ref TSelf lanes);

    /// <summary>The lanes brought below p into values[first..first + 4), those past the end dropped.</summary>
    static abstract void Store(in TSelf lanes, Span<Vector256<ulong>> values, int first);

    static abstract void Multiply(in TSelf a, in TSelf b, ref TSelf product);

    /// <summary>
    /// The constant f that multiplies the chains' inverse, as an element of T: with it the slope comes out of
    /// the lane product in the scale the two hooks below expect (see <see cref="AffineAdditionLanes{TLanes, T}"/>).
    /// </summary>
    static abstract T InverseScale { get; }

    /// <summary>The slope's partner in λ² = P(partner, slope) and in λ(x1 − x3) = P(partner, ·).</summary>
    static abstract void SlopePartner(in TSelf slope, ref TSelf partner);

    /// <summary>x1 − x3 (scalar Montgomery form, below 12p) brought into the scale that P(partner, ·) needs.</summary>
    static abstract void ScaleDifference(ref TSelf difference);

    /// <summary>a + k·p − b (coefficient-wise), for b's coefficients below (k − 1)·p.</summary>
    static abstract void Subtract(in TSelf a, in TSelf b, int k, ref TSelf difference);

    static abstract void AddUnreduced(in TSelf a, in TSelf b, ref TSelf sum);
}
