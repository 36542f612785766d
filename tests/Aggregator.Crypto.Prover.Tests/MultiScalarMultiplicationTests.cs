using System.Numerics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Prover.Msm;
using Aggregator.Testing;

namespace Aggregator.Crypto.Prover.Tests;

public class MultiScalarMultiplicationTests
{
    private static Limbs Scalar(BigInteger value) => Limbs.FromBigInteger(value);

    private static BigInteger RandomScalar(Random random, int bits)
    {
        var bytes = new byte[33];
        random.NextBytes(bytes);
        bytes[32] = 0;
        return new BigInteger(bytes) % (BigInteger.One << bits) % Fr.Modulus;
    }

    // Every kind of scalar (0, 1, small, full, r − 1) and of base (repeated, negated, infinity), so the
    // batched affine additions meet doublings, cancellations, queued and overflowing buckets.
    private static (AffinePoint<T>[] Bases, BigInteger[] Scalars) Case<T>(AffinePoint<T> generator, int count, int seed) where T : struct, IFieldElement<T>
    {
        var random = new Random(seed);
        var bases = new AffinePoint<T>[count];
        var scalars = new BigInteger[count];
        for (var i = 0; i < count; i++)
        {
            bases[i] = (i % 7) switch
            {
                0 when i > 0 => bases[i - 1],
                1 when i > 1 => bases[i - 1].Negate(),
                2 => AffinePoint<T>.Infinity,
                _ => generator.Multiply(RandomScalar(random, 64) + 1),
            };
            scalars[i] = (i % 5) switch
            {
                0 => BigInteger.Zero,
                1 => BigInteger.One,
                2 => RandomScalar(random, 20),
                3 => Fr.Modulus - 1 - random.Next(3),
                _ => RandomScalar(random, 254),
            };
        }
        return (bases, scalars);
    }

    private static AffinePoint<T> Naive<T>(AffinePoint<T>[] bases, BigInteger[] scalars) where T : struct, IFieldElement<T>
    {
        var sum = JacobianPoint<T>.Infinity;
        for (var i = 0; i < bases.Length; i++)
        {
            sum = sum.Add(bases[i].ToJacobian().Multiply(scalars[i]));
        }
        return sum.ToAffine();
    }

    private static JacobianPoint<T> Sum<T>(AffinePoint<T>[] bases, Limbs[] scalars) where T : struct, IFieldElement<T> =>
        MultiScalarMultiplication.Compute<T>(bases, scalars);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(40)]
    [InlineData(600)]
    public void G1_sum_equals_the_naive_sum(int count)
    {
        var (bases, scalars) = Case(Curve.G1Generator, count, count);
        Assert.Equal(Naive(bases, scalars), Sum(bases, scalars.Select(Scalar).ToArray()).ToAffine());
    }

    [Theory]
    [InlineData(3)]
    [InlineData(300)]
    public void G2_sum_equals_the_naive_sum(int count)
    {
        var (bases, scalars) = Case(TwistPoints.G2Generator, count, count + 1);
        Assert.Equal(Naive(bases, scalars), Sum(bases, scalars.Select(Scalar).ToArray()).ToAffine());
    }

    [Fact]
    public void Many_points_with_the_same_top_digits_fill_few_buckets_correctly()
    {
        // Every scalar r − 1 − i: the high windows put all of them into one or two buckets.
        var bases = Enumerable.Range(1, 1500).Select(i => Curve.G1Generator.Multiply(i)).ToArray();
        var scalars = Enumerable.Range(0, bases.Length).Select(i => Fr.Modulus - 1 - i).ToArray();
        Assert.Equal(Naive(bases, scalars), Sum(bases, scalars.Select(Scalar).ToArray()).ToAffine());
    }

    [Theory]
    [InlineData(300)]
    [InlineData(2500)]
    public void Running_sums_that_meet_a_doubling_or_a_cancellation_stay_exact(int count)
    {
        // G, −G and 2G with small scalars: the low window's buckets hold ±G and ±2G, so the grouped running
        // sums keep adding a point to itself or to its negation.
        var g = Curve.G1Generator;
        var bases = Enumerable.Range(0, count).Select(i => (i % 3) switch { 0 => g, 1 => g.Negate(), _ => g.Multiply(2) }).ToArray();
        var scalars = Enumerable.Range(0, count).Select(i => new BigInteger(1 + (i * 7 % 97))).ToArray();
        Assert.Equal(Naive(bases, scalars), Sum(bases, scalars.Select(Scalar).ToArray()).ToAffine());
    }

    // Scalars 1 summed by the batched tree, with the pairs it must take apart: the tree's first level
    // adds point k + n/2 onto point k, and every fifth such pair is a point twice (a doubling) or a point
    // and its negation (a cancellation); sizes around the tree's threshold, odd and even.
    private static AffinePoint<T>[] OnesWithRepeats<T>(AffinePoint<T> generator, int count) where T : struct, IFieldElement<T>
    {
        var points = Enumerable.Range(1, count).Select(i => generator.Multiply(i * 7919)).ToArray();
        var half = count / 2;
        for (var k = 0; k < half; k += 5)
        {
            points[k + half] = k % 10 == 0 ? points[k] : points[k].Negate();
        }
        return points;
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(200)]
    [InlineData(257)]
    public void Scalars_of_one_are_summed_in_batches_with_doublings_and_cancellations_taken_apart(int count)
    {
        var bases = OnesWithRepeats(Curve.G1Generator, count);
        var ones = Enumerable.Repeat(BigInteger.One, count).ToArray();
        Assert.Equal(Naive(bases, ones), MultiScalarMultiplication.SumOfPoints(bases.ToList()).ToAffine());
        // Mixed with other scalars, through both sums.
        var scalars = ones.Select((one, i) => i % 3 == 2 ? new BigInteger(i) << 100 : one).ToArray();
        Assert.Equal(Naive(bases, scalars), Sum(bases, scalars.Select(Scalar).ToArray()).ToAffine());
        Assert.Equal(Naive(bases, scalars), MultiScalarMultiplication.Compute(FixedBases<Fq>.Build(bases, 6), scalars.Select(Scalar).ToArray()).ToAffine());
        var twist = OnesWithRepeats(TwistPoints.G2Generator, Math.Min(count, 64));
        Assert.Equal(Naive(twist, [.. Enumerable.Repeat(BigInteger.One, twist.Length)]), MultiScalarMultiplication.SumOfPoints(twist.ToList()).ToAffine());
    }

    [Fact]
    public void Bases_and_scalars_of_different_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Sum<Fq>([Curve.G1Generator], [Scalar(1), Scalar(2)]));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(40, 5)]
    [InlineData(600, 9)]
    [InlineData(700, 13)]
    [InlineData(300, 15)]
    public void G1_sum_over_window_multiples_equals_the_naive_sum(int count, int windowBits)
    {
        var (bases, scalars) = Case(Curve.G1Generator, count, count + windowBits);
        var multiples = FixedBases<Fq>.Build(bases, windowBits);
        Assert.Equal(Naive(bases, scalars), MultiScalarMultiplication.Compute(multiples, scalars.Select(Scalar).ToArray()).ToAffine());
    }

    [Theory]
    [InlineData(300, 8)]
    public void G2_sum_over_window_multiples_equals_the_naive_sum(int count, int windowBits)
    {
        var (bases, scalars) = Case(TwistPoints.G2Generator, count, count + 2);
        var multiples = FixedBases<Fq2>.Build(bases, windowBits);
        Assert.Equal(Naive(bases, scalars), MultiScalarMultiplication.Compute(multiples, scalars.Select(Scalar).ToArray()).ToAffine());
    }

    [Fact]
    public void Window_multiples_are_each_base_times_two_to_the_window_bits_and_sums_over_them_meet_crowded_buckets()
    {
        var bases = Enumerable.Range(1, 1500).Select(i => Curve.G1Generator.Multiply(i)).ToArray();
        var multiples = FixedBases<Fq>.Build(bases, 11);
        Assert.Equal(MultiScalarMultiplication.WindowCount(11), multiples.Windows);
        foreach (var i in new[] { 0, 777, 1499 })
        {
            for (var j = 0; j < multiples.Windows; j++)
            {
                Assert.Equal(bases[i].Multiply(BigInteger.One << (11 * j)), multiples.Multiples[i * multiples.Windows + j]);
            }
        }
        // Every scalar r − 1 − i: every window's top digits crowd into the same one set of buckets.
        var scalars = Enumerable.Range(0, bases.Length).Select(i => Fr.Modulus - 1 - i).ToArray();
        Assert.Equal(Naive(bases, scalars), MultiScalarMultiplication.Compute(multiples, scalars.Select(Scalar).ToArray()).ToAffine());
    }

    [Fact]
    public void Window_multiples_refuse_scalars_of_another_count_and_digits_that_do_not_fit()
    {
        var multiples = FixedBases<Fq>.Build(new[] { Curve.G1Generator }, 4);
        Assert.Throws<ArgumentException>(() => MultiScalarMultiplication.Compute(multiples, [Scalar(1), Scalar(2)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedBases<Fq>.Build(new[] { Curve.G1Generator }, 16));
    }
}
