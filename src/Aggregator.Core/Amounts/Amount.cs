using System.Globalization;
using System.Numerics;

namespace Aggregator.Core.Amounts;

/// <summary>
/// A non-negative quantity of an asset as an integer number of base units (wei, lamports, satoshi) with
/// the number of decimals that turn base units into whole units. The only place where human decimal
/// strings are parsed and printed.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Aggregator.Core.Json.AmountJsonConverter))]
public readonly record struct Amount
{
    /// <summary>The most decimals an amount may have (EVM tokens use up to 18; some go further).</summary>
    public const int MaxDecimals = 36;

    private const int MaxDigits = 96;

    /// <summary>An amount of <paramref name="baseUnits"/> base units of an asset with <paramref name="decimals"/> decimals.</summary>
    public Amount(BigInteger baseUnits, int decimals)
    {
        if (baseUnits.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(baseUnits), baseUnits, "an amount cannot be negative");
        }
        if (decimals is < 0 or > MaxDecimals)
        {
            throw new ArgumentOutOfRangeException(nameof(decimals), decimals, $"decimals must be 0..{MaxDecimals}");
        }
        BaseUnits = baseUnits;
        Decimals = decimals;
    }

    /// <summary>The integer number of base units.</summary>
    public BigInteger BaseUnits { get; }

    /// <summary>How many decimal places separate base units from whole units.</summary>
    public int Decimals { get; }

    /// <summary>Zero of an asset with the given decimals.</summary>
    public static Amount Zero(int decimals) => new(BigInteger.Zero, decimals);

    /// <summary>
    /// Parses a non-negative decimal string in whole units ("12", "0.5", "1000.000001") into base units.
    /// No sign, exponent, grouping or surrounding space is accepted.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a number, or needs rounding under <see cref="Rounding.Exact"/>.</exception>
    public static Amount Parse(string text, int decimals, Rounding rounding)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (decimals is < 0 or > MaxDecimals)
        {
            throw new ArgumentOutOfRangeException(nameof(decimals), decimals, $"decimals must be 0..{MaxDecimals}");
        }
        if (text.StartsWith('-'))
        {
            throw new FormatException($"'{text}' is negative; amounts are non-negative");
        }
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];
        if (whole.Length == 0 || (point >= 0 && fraction.Length == 0) || text.Length > MaxDigits
            || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
        {
            throw new FormatException($"'{text}' is not a decimal number such as 12 or 0.5");
        }

        var kept = fraction.Length <= decimals ? fraction.PadRight(decimals, '0') : fraction[..decimals];
        var dropped = fraction.Length <= decimals ? "" : fraction[decimals..];
        var units = BigInteger.Parse(whole + kept, NumberStyles.None, CultureInfo.InvariantCulture);
        if (dropped.Any(c => c != '0'))
        {
            units += rounding switch
            {
                Rounding.Up => BigInteger.One,
                Rounding.Down => BigInteger.Zero,
                _ => throw new FormatException($"'{text}' has more than {decimals} decimal places"),
            };
        }
        return new Amount(units, decimals);
    }

    /// <summary>The same quantity with another number of decimals, rounded as asked when precision is lost.</summary>
    public Amount Rescale(int decimals, Rounding rounding)
    {
        if (decimals >= Decimals)
        {
            return new Amount(BaseUnits * BigInteger.Pow(10, decimals - Decimals), decimals);
        }
        var divisor = BigInteger.Pow(10, Decimals - decimals);
        var quotient = BigInteger.DivRem(BaseUnits, divisor, out var remainder);
        if (!remainder.IsZero)
        {
            quotient += rounding switch
            {
                Rounding.Up => BigInteger.One,
                Rounding.Down => BigInteger.Zero,
                _ => throw new InvalidOperationException($"{this} cannot be written exactly with {decimals} decimals"),
            };
        }
        return new Amount(quotient, decimals);
    }

    /// <summary>The amount in whole units, without trailing fractional zeros ("1.5", "0.000001", "42").</summary>
    public override string ToString()
    {
        var digits = BaseUnits.ToString(CultureInfo.InvariantCulture);
        if (Decimals == 0)
        {
            return digits;
        }
        digits = digits.PadLeft(Decimals + 1, '0');
        var whole = digits[..^Decimals];
        var fraction = digits[^Decimals..].TrimEnd('0');
        return fraction.Length == 0 ? whole : $"{whole}.{fraction}";
    }
}
