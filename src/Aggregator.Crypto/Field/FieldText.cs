using System.Globalization;
using System.Numerics;

namespace Aggregator.Crypto.Field;

/// <summary>
/// Decimal strings of field elements, as snarkjs and circomlibjs write them, in the one canonical form
/// accepted (docs/proofs.md, "Acceptance policy"): ASCII digits, no sign, no leading zero, below the
/// modulus. Every value then has exactly one spelling, as the EVM verifier requires.
/// </summary>
internal static class FieldText
{
    /// <summary>True for 1..78 ASCII digits without a leading zero whose value is below <paramref name="modulus"/>.</summary>
    public static bool TryParse(string? text, BigInteger modulus, out BigInteger value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 78 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }
        value = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return value < modulus;
    }
}
