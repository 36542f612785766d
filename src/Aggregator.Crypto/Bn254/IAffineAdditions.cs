using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>(x1, y1)[k] += (x2, y2)[k] for every k of a batch, affine; see <see cref="AffineAdditionBatch{T}"/>.</summary>
internal interface IAffineAdditions<T> where T : struct, IFieldElement<T>
{
    void Add(Span<T> x1, Span<T> y1, ReadOnlySpan<T> x2, ReadOnlySpan<T> y2);
}
