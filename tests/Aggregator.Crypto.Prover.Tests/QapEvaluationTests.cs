using System.Numerics;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Prover.Vectors;

namespace Aggregator.Crypto.Prover.Tests;

public class QapEvaluationTests
{
    // Witness values of every kind (0, 1, r − 1, random) and counts of products that leave 0 to 3 for a last, partial group of lanes.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5000)]
    [InlineData(5003)]
    public void Lanes_give_the_sums_of_coefficient_times_witness_that_the_definition_gives(int count)
    {
        var random = new Random(count);
        const int constraints = 64, signals = 40;
        var witness = Enumerable.Range(0, signals).Select(i => (i % 4) switch
        {
            0 => Fr.Zero,
            1 => Fr.One,
            2 => Fr.Zero - Fr.One,
            _ => Fr.FromBigInteger(new BigInteger(random.NextInt64()) * random.NextInt64() * random.NextInt64() % Fr.Modulus),
        }).ToArray();
        var coefficients = Enumerable.Range(0, count).Select(i => new ProvingKey.QapCoefficient(
            random.Next(2), random.Next(constraints), random.Next(signals),
            i % 7 == 0 ? Fr.Zero - Fr.One : Fr.FromBigInteger(new BigInteger(random.NextInt64()) * random.NextInt64() % Fr.Modulus))).ToArray();

        var expected = new[] { new Fr[constraints], new Fr[constraints] };
        foreach (var c in coefficients)
        {
            expected[c.Matrix][c.Constraint] += c.Value * witness[c.Signal];
        }
        var (laneA, laneB) = new QapEvaluation(coefficients, constraints, Backends.Lanes).Evaluate(witness);
        var (scalarA, scalarB) = new QapEvaluation(coefficients, constraints, VectorBackend.Scalar).Evaluate(witness);
        Assert.Equal(expected[0], laneA);
        Assert.Equal(expected[1], laneB);
        Assert.Equal(expected[0], scalarA);
        Assert.Equal(expected[1], scalarB);
    }
}
