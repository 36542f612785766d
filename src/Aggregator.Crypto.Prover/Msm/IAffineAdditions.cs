using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;
using Aggregator.Crypto.Prover;
using Aggregator.Crypto.Prover.Lanes;

namespace Aggregator.Crypto.Prover.Msm;

/// <summary>(x1, y1)[k] += (x2, y2)[k] for every k of a batch, affine; see <see cref="AffineAdditionBatch{T}"/>.</summary>
internal interface IAffineAdditions<T> where T : struct, IFieldElement<T>
{
    void Add(Span<T> x1, Span<T> y1, ReadOnlySpan<T> x2, ReadOnlySpan<T> y2);
}
