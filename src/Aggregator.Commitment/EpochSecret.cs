using System.Security.Cryptography;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;

namespace Aggregator.Commitment;

/// <summary>
/// The epoch's secret: 16 to 31 bytes, read big-endian as a field element. It keys every salt, so it
/// must be fresh and random each epoch and is never published. Fewer than 16 bytes would let anyone
/// holding one account's salt search the secret out (a 2-byte secret fell in 2.4 s), and with it every
/// account's salt and idHash.
/// </summary>
public sealed class EpochSecret
{
    public const int MinBytes = 16;
    public const int MaxBytes = 31;

    private EpochSecret(byte[] bytes)
    {
        Bytes = bytes;
        Value = Fr.FromBigEndian(bytes);
    }

    /// <summary>The secret's bytes, big-endian.</summary>
    public IReadOnlyList<byte> Bytes { get; }

    /// <summary>The secret as a field element.</summary>
    public Fr Value { get; }

    /// <summary>31 fresh random bytes from the operating system's CSPRNG.</summary>
    public static EpochSecret Generate() => new(RandomNumberGenerator.GetBytes(MaxBytes));

    /// <summary>Parses hex ("0x" optional): 32..62 digits (16..31 bytes), not zero.</summary>
    /// <exception cref="InputException">Not such a string.</exception>
    public static EpochSecret ParseHex(string text, string field = "--secret")
    {
        ArgumentNullException.ThrowIfNull(text);
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (digits.Length is < 2 * MinBytes or > 2 * MaxBytes || digits.Length % 2 == 1 || !digits.All(char.IsAsciiHexDigit))
        {
            // Never echo the value: it is the secret.
            throw new InputException($"the secret must be {MinBytes}..{MaxBytes} bytes of hex ({2 * MinBytes}..{2 * MaxBytes} digits); a short secret can be searched out from one account's salt", field: field);
        }
        var bytes = Convert.FromHexString(digits);
        if (bytes.All(b => b == 0))
        {
            throw new InputException("the secret must not be zero: it keys every account's salt", field: field);
        }
        return new EpochSecret(bytes);
    }

    /// <summary>Lower-case hex without prefix.</summary>
    public string ToHex() => Convert.ToHexStringLower([.. Bytes]);

    /// <summary>Never the secret itself: it must not reach logs.</summary>
    public override string ToString() => "EpochSecret(hidden)";
}
