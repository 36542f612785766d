using System.Numerics;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Prover.Vectors;

namespace Aggregator.Crypto.Prover.Tests;

public class FrDomainTests
{
    [Fact]
    public void Roots_of_unity_are_ffjavascripts()
    {
        // F1Field(r).w[28] and w[15] as ffjavascript 0.3 computes them (printed signed: r − value).
        Assert.Equal(BigInteger.Parse("19103219067921713944291392827692070036145651957329286315305642004821462161904"), FrDomain.RootOfUnity(28).ToBigInteger());
        Assert.Equal(Fr.Modulus - BigInteger.Parse("1485311122995736237095404480727225213676791466721399507131133492609674711814"), FrDomain.RootOfUnity(15).ToBigInteger());
        var root = FrDomain.RootOfUnity(10);
        Assert.Equal(Fr.One, root.Pow(1 << 10));
        Assert.NotEqual(Fr.One, root.Pow(1 << 9));
    }

    // Sizes (log2) on both sides of the lane stages (blocks of 4 and more) and of the parallel threshold (2^12).
    public static TheoryData<int> Sizes => new() { 1, 2, 3, 5, 13 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Evaluate_gives_the_polynomial_at_each_power_of_the_root_and_interpolate_undoes_it(int log2Size)
    {
        var domain = new FrDomain(log2Size);
        var random = new Random(11);
        var coefficients = Coefficients(domain, random);
        var values = coefficients.ToArray();
        domain.Evaluate(values);
        var omega = FrDomain.RootOfUnity(log2Size);
        foreach (var i in SomeIndices(domain, random))
        {
            Assert.Equal(Polynomial(coefficients, omega.Pow(i)), values[i]);
        }
        domain.Interpolate(values);
        Assert.Equal(coefficients, values);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void To_odd_coset_gives_the_polynomial_at_each_point_of_the_coset(int log2Size)
    {
        var domain = new FrDomain(log2Size);
        var random = new Random(12);
        var coefficients = Coefficients(domain, random);
        var values = coefficients.ToArray();
        domain.Evaluate(values);
        domain.ToOddCoset(values);
        var omega = FrDomain.RootOfUnity(log2Size);
        var shift = FrDomain.RootOfUnity(log2Size + 1);
        foreach (var i in SomeIndices(domain, random))
        {
            Assert.Equal(Polynomial(coefficients, shift * omega.Pow(i)), values[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Lane_stages_give_the_scalar_stages_values(int log2Size)
    {
        var (lanes, scalar) = (new FrDomain(log2Size, Backends.Lanes), new FrDomain(log2Size, VectorBackend.Scalar));
        var coefficients = Coefficients(lanes, new Random(13));
        var (inLanes, inScalar) = (coefficients.ToArray(), coefficients.ToArray());
        lanes.Evaluate(inLanes);
        scalar.Evaluate(inScalar);
        Assert.Equal(inScalar, inLanes);
        lanes.ToOddCoset(inLanes);
        scalar.ToOddCoset(inScalar);
        Assert.Equal(inScalar, inLanes);
        lanes.Interpolate(inLanes);
        scalar.Interpolate(inScalar);
        Assert.Equal(inScalar, inLanes);
    }

    // Every index of a small domain, twelve random ones of a large one (the naive evaluation is quadratic).
    private static IEnumerable<int> SomeIndices(FrDomain domain, Random random) =>
        domain.Size <= 64 ? Enumerable.Range(0, domain.Size) : Enumerable.Range(0, 12).Select(_ => random.Next(domain.Size));

    // Σ c_j·x^j by Horner's rule.
    private static Fr Polynomial(Fr[] coefficients, Fr x)
    {
        var value = Fr.Zero;
        for (var j = coefficients.Length - 1; j >= 0; j--)
        {
            value = value * x + coefficients[j];
        }
        return value;
    }

    // Random, and r − 1 (the largest value the unreduced lane stages meet) every third.
    private static Fr[] Coefficients(FrDomain domain, Random random) =>
        [.. Enumerable.Range(0, domain.Size).Select(i => i % 3 == 0 ? Fr.Zero - Fr.One : RandomElement(random))];

    private static Fr RandomElement(Random random)
    {
        var bytes = new byte[40];
        random.NextBytes(bytes);
        bytes[^1] = 0;
        return Fr.FromBigInteger(new System.Numerics.BigInteger(bytes) % Fr.Modulus);
    }

    [Fact]
    public void A_span_of_the_wrong_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new FrDomain(3).Evaluate(new Fr[4]));
    }
}
