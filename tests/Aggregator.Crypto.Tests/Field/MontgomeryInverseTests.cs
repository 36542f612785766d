using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Tests.Field;

/// <summary>
/// The inverse (Bernstein and Yang's divsteps) against Fermat's a^(q−2) by BigInteger, for both moduli:
/// on values and, since the divsteps run on the Montgomery words themselves, on words at the edges.
/// </summary>
public class MontgomeryInverseTests
{
    private static IEnumerable<BigInteger> Values(BigInteger q, int seed)
    {
        // The ends, small values, powers of two (the shifts' longest runs), values next to q, and random ones.
        BigInteger[] edges = [1, 2, 3, q - 1, q - 2, (q - 1) / 2, (q + 1) / 2, BigInteger.One << 253, (BigInteger.One << 253) - 1];
        var random = new Random(seed);
        var randoms = Enumerable.Range(0, 2000).Select(_ =>
        {
            var bytes = new byte[33];
            random.NextBytes(bytes);
            bytes[32] = 0;
            return new BigInteger(bytes) % (q - 1) + 1;
        });
        return edges.Concat(Enumerable.Range(0, 254).Select(i => BigInteger.One << i)).Concat(randoms);
    }

    private static void InverseIsFermats<TModulus>(int seed) where TModulus : struct, IModulus
    {
        var q = Montgomery<TModulus>.Modulus;
        foreach (var value in Values(q, seed))
        {
            var montgomery = Montgomery<TModulus>.ToMontgomery(Limbs.FromBigInteger(value));
            var inverse = Montgomery<TModulus>.FromMontgomery(Montgomery<TModulus>.Inverse(montgomery)).ToBigInteger();
            Assert.True(BigInteger.ModPow(value, q - 2, q) == inverse, $"the inverse of {value}");
        }
        foreach (var word in Values(q, seed + 10))
        {
            // The Montgomery word w stands for w·R⁻¹, whose inverse is R/w, written (R/w)·R.
            var r = BigInteger.One << 256;
            var expected = BigInteger.ModPow(word, q - 2, q) * r % q * r % q;
            Assert.True(expected == Montgomery<TModulus>.Inverse(Limbs.FromBigInteger(word)).ToBigInteger(), $"the inverse of the word {word}");
        }
        Assert.Throws<DivideByZeroException>(() => Montgomery<TModulus>.Inverse(default));
        // A word that is not canonical (a multiple of q) has no inverse; refused, not answered wrong.
        Assert.Throws<ArgumentException>(() => Montgomery<TModulus>.Inverse(Limbs.FromBigInteger(q)));
    }

    [Fact]
    public void The_base_field_inverse_is_Fermats() => InverseIsFermats<FqModulus>(1);

    [Fact]
    public void The_scalar_field_inverse_is_Fermats() => InverseIsFermats<FrModulus>(2);
}
