using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Prover.Msm;

/// <summary>(x1, y1)[k] += (x2, y2)[k] for every k of a batch, affine, x1 ≠ x2 in every pair; one instance per thread (<see cref="Vectors.VectorBackend.AffineAdditions{T}"/>).</summary>
internal interface IAffineAdditions<T> where T : struct, IFieldElement<T>
{
    void Add(Span<T> x1, Span<T> y1, ReadOnlySpan<T> x2, ReadOnlySpan<T> y2);
}
