using System.Numerics;

namespace Aggregator.Chains.Solana.Encoding;

/// <summary>Base58 with Bitcoin's alphabet, as Solana writes addresses and signatures.</summary>
public static class Base58
{
    /// <summary>Whether <paramref name="text"/> is a Solana address or mint: 32 bytes in base58.</summary>
    public static bool IsAddress(string? text) => text is { Length: >= 32 and <= 44 } && TryDecode(text) is { Length: 32 };

    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var digits = new List<char>();
        while (value > 0)
        {
            value = BigInteger.DivRem(value, 58, out var remainder);
            digits.Add(Alphabet[(int)remainder]);
        }
        foreach (var b in bytes)
        {
            if (b != 0)
            {
                break;
            }
            digits.Add('1');
        }
        digits.Reverse();
        return new string([.. digits]);
    }

    /// <summary>Decodes, or returns null for a character outside the alphabet.</summary>
    public static byte[]? TryDecode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = BigInteger.Zero;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return null;
            }
            value = value * 58 + digit;
        }
        var leadingZeros = text.TakeWhile(c => c == '1').Count();
        var body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[leadingZeros], .. body];
    }
}
