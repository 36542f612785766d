using System.Runtime.CompilerServices;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;
using Aggregator.Crypto.Prover;
using Aggregator.Crypto.Prover.Lanes;

namespace Aggregator.Crypto.Prover.Msm;

/// <summary>
/// (x1, y1)[k] += (x2, y2)[k] for every k of a batch, affine, with one inversion for all (Montgomery's
/// trick): about six products per addition, against eleven for a mixed Jacobian one. Every pair must
/// have x1 ≠ x2 (the callers take doublings and cancellations apart). Holds its scratch, so one instance
/// serves one thread. Where the CPU has AVX2 it works four additions at a time in its lanes
/// (<see cref="AffineAdditionLanes{TLanes, T}"/>), for G1 and G2.
/// </summary>
internal sealed class AffineAdditionBatch<T> : IAffineAdditions<T> where T : struct, IFieldElement<T>
{
    private readonly IAffineAdditions<T>? _lanes;
    private T[] _denominator = [], _prefix = [];

    /// <param name="useLanes">False keeps the scalar path (to hold the lanes to it in tests).</param>
    public AffineAdditionBatch(bool useLanes = true) =>
        _lanes = !useLanes || !LaneMontgomery<FqModulus>.IsSupported ? null
            : typeof(T) == typeof(Fq) ? (IAffineAdditions<T>)(object)new AffineAdditionLanes<FqLanes, Fq>()
            : typeof(T) == typeof(Fq2) ? (IAffineAdditions<T>)(object)new AffineAdditionLanes<Fq2Lanes, Fq2>()
            : null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Span<T> x1, Span<T> y1, ReadOnlySpan<T> x2, ReadOnlySpan<T> y2)
    {
        var count = x1.Length;
        if (count == 0)
        {
            return;
        }
        if (_lanes is not null)
        {
            _lanes.Add(x1, y1, x2, y2);
            return;
        }
        if (_denominator.Length < count)
        {
            (_denominator, _prefix) = (new T[count], new T[count]);
        }
        var product = T.One;
        for (var k = 0; k < count; k++)
        {
            _prefix[k] = product;
            _denominator[k] = T.Subtract(x2[k], x1[k]);
            product = T.Multiply(product, _denominator[k]);
        }
        var inverse = product.Inverse();
        for (var k = count - 1; k >= 0; k--)
        {
            var dxInverse = T.Multiply(inverse, _prefix[k]);
            inverse = T.Multiply(inverse, _denominator[k]);
            var slope = T.Multiply(T.Subtract(y2[k], y1[k]), dxInverse);
            var x3 = T.Subtract(T.Subtract(slope.Square(), x1[k]), x2[k]);
            y1[k] = T.Subtract(T.Multiply(slope, T.Subtract(x1[k], x3)), y1[k]);
            x1[k] = x3;
        }
    }
}
