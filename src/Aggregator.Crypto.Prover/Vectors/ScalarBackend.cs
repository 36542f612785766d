using System.Runtime.CompilerServices;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Prover.Msm;

namespace Aggregator.Crypto.Prover.Vectors;

/// <summary>The vector work one field element at a time: what runs where the CPU has no AVX2, and what the lanes are held to.</summary>
internal sealed class ScalarBackend : VectorBackend
{
    public override object? Prepare(FrDomain domain) => null;

    public override void Butterflies(FrDomain domain, object? prepared, Fr[] values, Fr[] roots, bool scaleForCoset, int parts)
    {
        var butterflies = values.Length / 2;
        for (var half = 1; half < values.Length; half <<= 1)
        {
            if (parts == 1)
            {
                Stage(values, roots, half, 0, butterflies);
                continue;
            }
            var stageHalf = half;
            Parallel.For(0, parts, part => Stage(values, roots, stageHalf, butterflies * part / parts, butterflies * (part + 1) / parts));
        }
        if (scaleForCoset)
        {
            var factors = domain.CosetFactors;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Fr.MontgomeryMultiply(values[i], factors[i]);
            }
        }
    }

    /// <summary>Butterflies [first, last) of the stage joining blocks of <paramref name="half"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Stage(Fr[] values, Fr[] roots, int half, int first, int last)
    {
        var stride = values.Length / (2 * half); // ω_(2·half) = ω^stride
        for (var b = first; b < last; b++)
        {
            var k = b & (half - 1);
            var top = (b - k) * 2 + k;
            // ω^0 = 1: the first butterfly of every block (all of the first stage's, an eighth in all) multiplies nothing.
            var bottom = k == 0 ? values[top + half] : Fr.MontgomeryMultiply(values[top + half], roots[k * stride]);
            var value = values[top];
            values[top] = Fr.Add(value, bottom);
            values[top + half] = Fr.Subtract(value, bottom);
        }
    }

    public override Fr[] PrepareWitness(Fr[] witness) => witness;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void SumProducts(ProvingKey.QapCoefficient[] coefficients, int[] indices, Fr[] preparedWitness, byte[] kinds, Fr[] target)
    {
        foreach (var index in indices)
        {
            ref readonly var coefficient = ref coefficients[index];
            var kind = kinds[coefficient.Signal];
            if (kind != QapEvaluation.ZeroValue)
            {
                ref var slot = ref target[coefficient.Constraint];
                slot = Fr.Add(slot, kind == QapEvaluation.OneValue ? coefficient.Value : Fr.MontgomeryMultiply(coefficient.Value, preparedWitness[coefficient.Signal]));
            }
        }
    }

    public override IAffineAdditions<T> AffineAdditions<T>() => new ScalarAffineAdditions<T>();
}

/// <summary>
/// (x1, y1)[k] += (x2, y2)[k] for every k of a batch, affine, with one inversion for all (Montgomery's
/// trick): about six products per addition, against eleven for a mixed Jacobian one. Every pair must
/// have x1 ≠ x2 (the callers take doublings and cancellations apart). Holds its scratch, so one instance
/// serves one thread.
/// </summary>
internal sealed class ScalarAffineAdditions<T> : IAffineAdditions<T> where T : struct, IFieldElement<T>
{
    private T[] _denominator = [], _prefix = [];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Span<T> x1, Span<T> y1, ReadOnlySpan<T> x2, ReadOnlySpan<T> y2)
    {
        var count = x1.Length;
        if (count == 0)
        {
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
