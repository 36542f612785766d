using System.Numerics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Testing;

namespace Aggregator.Crypto.Prover.Tests;

public class ConstantTimeMultiplicationTests
{
    private static IEnumerable<Fr> Scalars()
    {
        var random = new Random(11);
        yield return Fr.Zero;
        yield return Fr.One;
        yield return Fr.FromUInt64(15);
        yield return Fr.FromUInt64(16);
        yield return Fr.FromBigInteger(BigInteger.One << 252);
        yield return Fr.FromBigInteger(Fr.Modulus - 1);
        for (var i = 0; i < 12; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            bytes[31] &= 0x3f;
            yield return Fr.FromBigInteger(new BigInteger(bytes, isUnsigned: true) % Fr.Modulus);
        }
    }

    [Fact]
    public void G1_products_equal_double_and_add_for_every_kind_of_scalar_and_point()
    {
        var points = new[] { Curve.G1Generator.ToJacobian(), Curve.G1Generator.Multiply(987654321).ToJacobian().Double(), JacobianPoint<Fq>.Infinity };
        foreach (var point in points)
        {
            foreach (var scalar in Scalars())
            {
                Assert.Equal(point.Multiply(scalar.ToBigInteger()).ToAffine(), ConstantTimeMultiplication.Multiply(point, scalar, Curve.B3).ToAffine());
            }
        }
    }

    [Fact]
    public void G2_products_equal_double_and_add_for_every_kind_of_scalar_and_point()
    {
        var points = new[] { TwistPoints.G2Generator.ToJacobian(), TwistPoints.G2Generator.Multiply(31337).ToJacobian().Double(), JacobianPoint<Fq2>.Infinity };
        foreach (var point in points)
        {
            foreach (var scalar in Scalars().Take(9))
            {
                Assert.Equal(point.Multiply(scalar.ToBigInteger()).ToAffine(), ConstantTimeMultiplication.Multiply(point, scalar, Curve.TwistB3).ToAffine());
            }
        }
    }
}
