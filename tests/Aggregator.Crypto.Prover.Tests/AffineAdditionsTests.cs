using System.Numerics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Prover.Vectors;
using Aggregator.Testing;

namespace Aggregator.Crypto.Prover.Tests;

public class AffineAdditionsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(255)]
    [InlineData(256)]
    public void G1_additions_in_lanes_equal_the_scalar_ones_and_the_group_law(int count) => AdditionsInLanes(Curve.G1Generator, count);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(64)]
    public void G2_additions_in_lanes_equal_the_scalar_ones_and_the_group_law(int count) => AdditionsInLanes(TwistPoints.G2Generator, count);

    private static void AdditionsInLanes<T>(AffinePoint<T> generator, int count) where T : struct, IFieldElement<T>
    {
        var random = new Random(count);
        var first = Enumerable.Range(0, count).Select(_ => generator.Multiply(new BigInteger(random.NextInt64(1, long.MaxValue)))).ToArray();
        var second = Enumerable.Range(0, count).Select(i => i % 3 == 0 ? first[i].Negate().Multiply(7) : generator.Multiply(new BigInteger(random.NextInt64(1, long.MaxValue)))).ToArray();

        var (laneX, laneY) = (first.Select(p => p.X).ToArray(), first.Select(p => p.Y).ToArray());
        var (scalarX, scalarY) = (laneX.ToArray(), laneY.ToArray());
        var (x2, y2) = (second.Select(p => p.X).ToArray(), second.Select(p => p.Y).ToArray());
        Backends.Lanes.AffineAdditions<T>().Add(laneX, laneY, x2, y2);
        VectorBackend.Scalar.AffineAdditions<T>().Add(scalarX, scalarY, x2, y2);

        for (var k = 0; k < count; k++)
        {
            var expected = first[k].ToJacobian().Add(second[k]).ToAffine();
            Assert.Equal(expected.X, laneX[k]);
            Assert.Equal(expected.Y, laneY[k]);
            Assert.Equal(scalarX[k], laneX[k]);
            Assert.Equal(scalarY[k], laneY[k]);
            Assert.True(Canonical(laneX[k]) && Canonical(laneY[k]), "lane results are canonical");
        }
    }

    [Fact]
    public void A_batch_reused_for_a_larger_one_still_adds_correctly()
    {
        var batch = VectorBackend.Default.AffineAdditions<Fq>();
        foreach (var count in new[] { 3, 70, 9 })
        {
            var p = Enumerable.Range(1, count).Select(i => Curve.G1Generator.Multiply(i)).ToArray();
            var q = Enumerable.Range(1, count).Select(i => Curve.G1Generator.Multiply(1000 + i)).ToArray();
            var (x, y) = (p.Select(a => a.X).ToArray(), p.Select(a => a.Y).ToArray());
            batch.Add(x, y, q.Select(a => a.X).ToArray(), q.Select(a => a.Y).ToArray());
            for (var k = 0; k < count; k++)
            {
                Assert.Equal(Curve.G1Generator.Multiply(1002 + 2 * k), AffinePoint<Fq>.At(x[k], y[k]));
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_pair_with_equal_x_is_refused_rather_than_added_wrong(bool useLanes)
    {
        var p = Curve.G1Generator.Multiply(5);
        var others = Enumerable.Range(10, 6).Select(i => Curve.G1Generator.Multiply(i)).ToArray();
        var first = others.Append(p).ToArray();
        var second = others.Select(o => o.Multiply(3)).Append(p.Negate()).ToArray();
        var batch = (useLanes ? Backends.Lanes : VectorBackend.Scalar).AffineAdditions<Fq>();
        Assert.Throws<DivideByZeroException>(() => batch.Add(first.Select(a => a.X).ToArray(), first.Select(a => a.Y).ToArray(),
            second.Select(a => a.X).ToArray(), second.Select(a => a.Y).ToArray()));
    }

    // Every 256-bit coefficient below p (equality of elements compares their words).
    private static bool Canonical<T>(T value) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<T, Aggregator.Crypto.Field.Limbs>([value]).ToArray().All(limbs => Fq.IsReduced(limbs));
}
