using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Aggregator.Core.Errors;

namespace Aggregator.Commitment.Tests;

public class AccountIdentityTests
{
    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("")]
    [InlineData("Zoë – 東京")]
    public void Account_field_is_the_first_31_bytes_of_sha256_big_endian(string accountId)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(accountId));
        var expected = new BigInteger(digest.AsSpan(0, 31), isUnsigned: true, isBigEndian: true);
        Assert.Equal(expected, AccountIdentity.AccountField(accountId).ToBigInteger());
    }

    [Fact]
    public void Secret_is_big_endian_hex_of_16_to_31_bytes()
    {
        Assert.Equal(BigInteger.Parse("0112233445566778899aabbccddeeff0", System.Globalization.NumberStyles.HexNumber), EpochSecret.ParseHex("0x0112233445566778899aabbccddeeff0").Value.ToBigInteger());
        Assert.Equal((BigInteger.One << 248) - 1, EpochSecret.ParseHex(new string('f', 62)).Value.ToBigInteger());
        Assert.Throws<InputException>(() => EpochSecret.ParseHex(new string('f', 64)));
        Assert.Throws<InputException>(() => EpochSecret.ParseHex(new string('x', 32)));
        Assert.Throws<InputException>(() => EpochSecret.ParseHex(new string('a', 33)));
        Assert.Throws<InputException>(() => EpochSecret.ParseHex(""));
        Assert.Contains("must not be zero", Assert.Throws<InputException>(() => EpochSecret.ParseHex(new string('0', 32))).Message);
    }

    [Theory]
    [InlineData("1234abcd")]
    [InlineData("ab")]
    [InlineData("00112233445566778899aabbccddee")] // 15 bytes
    public void A_secret_shorter_than_16_bytes_is_refused_without_echoing_it(string secret)
    {
        var error = Assert.Throws<InputException>(() => EpochSecret.ParseHex(secret));
        Assert.Contains("16..31 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_secrets_are_31_random_bytes_and_never_printed()
    {
        var a = EpochSecret.Generate();
        var b = EpochSecret.Generate();
        Assert.Equal(31, a.Bytes.Count);
        Assert.NotEqual(a.ToHex(), b.ToHex());
        Assert.DoesNotContain(a.ToHex(), a.ToString(), StringComparison.Ordinal);
    }
}
