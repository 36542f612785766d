using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Tests.Field;

public class FrTests
{
    private static readonly BigInteger R = Fr.Modulus;

    public static TheoryData<string, string> Pairs => new()
    {
        { "0", "0" },
        { "1", "1" },
        { "2", "21888242871839275222246405745257275088548364400416034343698204186575808495616" },
        { "21888242871839275222246405745257275088548364400416034343698204186575808495616", "21888242871839275222246405745257275088548364400416034343698204186575808495616" },
        { "18446744073709551615", "340282366920938463463374607431768211455" },
        { "7853200120776062878684798364095072458815029376092732009249414926327459813530", "12345678901234567890123456789012345678901234567890" },
    };

    [Fact]
    public void Montgomery_constants_match_the_modulus()
    {
        Assert.Equal(BigInteger.Parse("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", System.Globalization.NumberStyles.HexNumber), R);
        AssertMontgomeryConstants<FrModulus>(R);
        AssertMontgomeryConstants<FqModulus>(BigInteger.Parse("21888242871839275222246405745257275088696311157297823662689037894645226208583"));
    }

    private static void AssertMontgomeryConstants<TModulus>(BigInteger modulus) where TModulus : struct, IModulus
    {
        var twoTo64 = BigInteger.One << 64;
        Assert.Equal(modulus, Montgomery<TModulus>.Modulus);
        Assert.Equal(0, (modulus * TModulus.QInvNeg + 1) % twoTo64);
        Assert.Equal((BigInteger.One << 512) % modulus, TModulus.R2.ToBigInteger());
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Arithmetic_agrees_with_BigInteger_mod_r(string left, string right)
    {
        var a = BigInteger.Parse(left);
        var b = BigInteger.Parse(right) % R;
        var x = Fr.FromBigInteger(a);
        var y = Fr.FromBigInteger(b);

        Assert.Equal((a + b) % R, (x + y).ToBigInteger());
        Assert.Equal(((a - b) % R + R) % R, (x - y).ToBigInteger());
        Assert.Equal(a * b % R, (x * y).ToBigInteger());
        Assert.Equal(BigInteger.ModPow(a, 5, R), Fr.Pow5(x).ToBigInteger());
    }

    [Fact]
    public void Random_products_agree_with_BigInteger_mod_r()
    {
        var random = new Random(20261124);
        var bytes = new byte[40];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            var a = new BigInteger(bytes, isUnsigned: true) % R;
            random.NextBytes(bytes);
            var b = new BigInteger(bytes, isUnsigned: true) % R;
            Assert.Equal(a * b % R, (Fr.FromBigInteger(a) * Fr.FromBigInteger(b)).ToBigInteger());
            Assert.Equal((a + b) % R, (Fr.FromBigInteger(a) + Fr.FromBigInteger(b)).ToBigInteger());
        }
    }

    [Fact]
    public void Values_at_or_above_r_are_rejected()
    {
        Assert.False(Fr.TryParse(R.ToString(), out _));
        Assert.False(Fr.TryParse("-1", out _));
        Assert.False(Fr.TryParse("12a", out _));
        Assert.False(Fr.TryParse("", out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fr.FromBigInteger(R));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fr.FromCanonicalLimbs(FrModulus.Q0, FrModulus.Q1, FrModulus.Q2, FrModulus.Q3));
        Assert.True(Fr.TryParse((R - 1).ToString(), out var max));
        Assert.Equal(R - 1, max.ToBigInteger());
    }

    [Fact]
    public void Ordering_is_by_integer_value_not_by_representation()
    {
        var values = new[] { R - 1, 0, 5, BigInteger.One << 200, (BigInteger.One << 64) + 1, 1 };
        var sorted = values.Select(Fr.FromBigInteger).Order().Select(f => f.ToBigInteger()).ToArray();
        Assert.Equal(values.Order().ToArray(), sorted);
    }

    [Fact]
    public void Big_endian_bytes_read_as_an_integer()
    {
        byte[] bytes = [0x01, 0x02, 0x03];
        Assert.Equal(new BigInteger(0x010203), Fr.FromBigEndian(bytes).ToBigInteger());
    }

    // Written against System.Numerics' interfaces only: what code generic over a field gets from Fr and Fq.
    private static T HornerAt<T>(T[] coefficients, T x)
        where T : IAdditionOperators<T, T, T>, IMultiplyOperators<T, T, T>, IAdditiveIdentity<T, T>
    {
        var result = T.AdditiveIdentity;
        for (var i = coefficients.Length - 1; i >= 0; i--)
        {
            result = (result * x) + coefficients[i];
        }
        return result;
    }

    private static T Negated<T>(T value) where T : IUnaryNegationOperators<T, T> => -value;

    [Fact]
    public void Fr_and_Fq_do_generic_math_through_the_system_numerics_interfaces_as_they_do_directly()
    {
        var r = Fr.Modulus;
        BigInteger[] coefficients = [r - 1, 7, r - 12345, 2];
        var x = new BigInteger(987654321);
        var expected = (coefficients[0] + (coefficients[1] * x) + (coefficients[2] * x * x) + (coefficients[3] * x * x * x)) % r;
        Assert.Equal(expected, HornerAt([.. coefficients.Select(Fr.FromBigInteger)], Fr.FromBigInteger(x)).ToBigInteger());
        Assert.Equal(Fr.Zero, Negated(Fr.One) + Fr.MultiplicativeIdentity);
        Assert.Equal(r - 5, Negated(Fr.FromUInt64(5)).ToBigInteger());

        var q = Fq.Modulus;
        var expectedQ = (coefficients[0] + (coefficients[1] * x) + (coefficients[2] * x * x) + (coefficients[3] * x * x * x)) % q;
        Assert.Equal(expectedQ, HornerAt([.. coefficients.Select(Fq.FromBigInteger)], Fq.FromBigInteger(x)).ToBigInteger());
        Assert.Equal(q - 5, Negated(Fq.From(5)).ToBigInteger());
    }
}
