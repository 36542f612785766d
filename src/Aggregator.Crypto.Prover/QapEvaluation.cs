using Aggregator.Crypto.Field;
using Aggregator.Crypto.Prover.Vectors;

namespace Aggregator.Crypto.Prover;

/// <summary>
/// A·w and B·w at every constraint: the evaluations of the QAP's A(x) and B(x) on the domain, from the
/// key's sparse coefficients, in chunks of whole constraints that go to whichever core is free. A third of a circuit's witness values are 0 and a
/// seventh 1 (range-check bits): their terms need no product. The others' products are the vector
/// backend's (four at a time in AVX2 lanes where the CPU has them).
/// </summary>
internal sealed class QapEvaluation
{
    internal const byte ZeroValue = 0, OneValue = 1, OtherValue = 2;

    private readonly ProvingKey.QapCoefficient[] _coefficients;
    private readonly (int Matrix, int[] Indices)[] _chunks; // coefficient indices, each chunk's constraints its own
    private readonly int _constraints;
    private readonly VectorBackend _vectors;

    /// <param name="vectors">The backend of the products (<see cref="VectorBackend.Default"/> unless a test compares them).</param>
    public QapEvaluation(ProvingKey.QapCoefficient[] coefficients, int constraints, VectorBackend? vectors = null)
    {
        _coefficients = coefficients;
        _chunks = Chunks(coefficients, 8 * Environment.ProcessorCount);
        _constraints = constraints;
        _vectors = vectors ?? VectorBackend.Default;
    }

    public (Fr[] A, Fr[] B) Evaluate(Fr[] witness)
    {
        var kinds = new byte[witness.Length];
        for (var i = 0; i < witness.Length; i++)
        {
            kinds[i] = witness[i] == Fr.Zero ? ZeroValue : witness[i] == Fr.One ? OneValue : OtherValue;
        }
        var prepared = _vectors.PrepareWitness(witness);
        var targets = new[] { new Fr[_constraints], new Fr[_constraints] };
        // Chunks rather than one matrix per core: B has half as many terms again as A, and beside the
        // proof's other work a core may join late.
        Parallel.For(0, _chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, chunk =>
        {
            var (matrix, indices) = _chunks[chunk];
            _vectors.SumProducts(_coefficients, indices, prepared, kinds, targets[matrix]);
        });
        return (targets[0], targets[1]);
    }

    // Each matrix's coefficients by constraint, cut into about `count` chunks of similar size, each cut
    // between two constraints, so that no two chunks add into the same slot.
    private static (int Matrix, int[] Indices)[] Chunks(ProvingKey.QapCoefficient[] coefficients, int count)
    {
        var size = Math.Max(1, coefficients.Length / count);
        var chunks = new List<(int, int[])>();
        var constraints = 0;
        foreach (var coefficient in coefficients)
        {
            constraints = Math.Max(constraints, coefficient.Constraint + 1);
        }
        var starts = new int[constraints + 1];
        for (var matrix = 0; matrix < 2; matrix++)
        {
            // A counting sort by constraint, stable: the key's order within a constraint is kept.
            Array.Clear(starts);
            foreach (var coefficient in coefficients)
            {
                if (coefficient.Matrix == matrix)
                {
                    starts[coefficient.Constraint + 1]++;
                }
            }
            for (var row = 0; row < constraints; row++)
            {
                starts[row + 1] += starts[row];
            }
            var indices = new int[starts[constraints]];
            for (var i = 0; i < coefficients.Length; i++)
            {
                if (coefficients[i].Matrix == matrix)
                {
                    indices[starts[coefficients[i].Constraint]++] = i;
                }
            }
            var start = 0;
            while (start < indices.Length)
            {
                var end = Math.Min(start + size, indices.Length);
                while (end < indices.Length && coefficients[indices[end]].Constraint == coefficients[indices[end - 1]].Constraint)
                {
                    end++;
                }
                chunks.Add((matrix, indices[start..end]));
                start = end;
            }
        }
        return [.. chunks];
    }
}
