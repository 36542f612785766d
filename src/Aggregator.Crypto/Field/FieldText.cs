using System.Globalization;
using System.Numerics;

namespace Aggregator.Crypto.Field;

/// <summary>Decimal strings of field elements, as snarkjs and circomlibjs write them.</summary>
internal static class FieldText
{
    /// <summary>True for 1..78 ASCII digits whose value is below <paramref name="modulus"/>.</summary>
    public static bool TryParse(string? text, BigInteger modulus, out BigInteger value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 78 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        value = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return value < modulus;
    }
}
