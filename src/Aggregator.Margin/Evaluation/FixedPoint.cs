namespace Aggregator.Margin.Evaluation;

/// <summary>
/// The fixed-point numbers margin is computed in (docs/margin.md, "Fixed point"): amounts in 10^-18 whole
/// units and prices in 10^-18 quote per whole unit, both unsigned 128-bit; their products are
/// <see cref="QuoteValue"/>s at 10^-36, exact. Rounding happens only here, where a base-unit amount or a
/// decimal becomes fixed-point, and always toward the safe side: what counts for the account (collateral,
/// its weights, a long's mark) down, what counts against it (debt, a debt's price, maintenance) up.
/// Base units of an asset with at most 18 decimals, and prices of at most 18 decimals, are exact.
/// </summary>
internal static class FixedPoint
{
    /// <summary>10^18: one whole unit, one unit of quote currency, or a fraction of 1.</summary>
    public const ulong One = 1_000_000_000_000_000_000;

    /// <summary>10^9: one in a threshold given in 10^-9 (health bands, the warning level).</summary>
    public const ulong OneNano = 1_000_000_000;

    /// <summary>The largest health-factor threshold (a band, the warning level) held.</summary>
    public const decimal MaxThreshold = 1000;

    private static readonly UInt128[] Pow10 = [.. Enumerable.Range(0, 39).Select(e => UInt128.Parse("1" + new string('0', e), System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Base units of an asset with <paramref name="decimals"/> decimals, in 10^-18 whole units.</summary>
    /// <exception cref="OverflowException">More than 2^128 · 10^-18 whole units.</exception>
    public static UInt128 Amount(UInt128 baseUnits, int decimals, bool up)
    {
        if (decimals <= 18)
        {
            return checked(baseUnits * Pow10[18 - decimals]);
        }
        if (decimals - 18 >= Pow10.Length)
        {
            return up && baseUnits != 0 ? UInt128.One : UInt128.Zero;
        }
        var (quotient, remainder) = UInt128.DivRem(baseUnits, Pow10[decimals - 18]);
        return up && remainder != 0 ? quotient + 1 : quotient;
    }

    /// <summary>A non-negative decimal (a price, a weight) in 10^-18, rounded up or down.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    /// <exception cref="OverflowException">2^128 · 10^-18 or more.</exception>
    public static UInt128 FromDecimal(decimal value, bool up)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return (UInt128)Signed(value, up);
    }

    /// <summary>A decimal in 10^-18 (a perp's size, an entry price), rounded toward +∞ when <paramref name="up"/>, else toward −∞.</summary>
    public static Int128 Signed(decimal value, bool up)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = (UInt128)(uint)bits[2] << 64 | (UInt128)(uint)bits[1] << 32 | (uint)bits[0];
        var scale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;
        UInt128 magnitude;
        var inexact = false;
        if (scale <= 18)
        {
            magnitude = checked(mantissa * Pow10[18 - scale]);
        }
        else
        {
            (magnitude, var remainder) = UInt128.DivRem(mantissa, Pow10[scale - 18]);
            inexact = remainder != 0;
        }
        // Truncation went toward zero; a value rounded away from zero gets one more unit.
        if (inexact && up != negative)
        {
            magnitude++;
        }
        var signed = checked((Int128)magnitude);
        return negative ? -signed : signed;
    }

    /// <summary>A fraction between 0 and 1 (1 − haircut, a liquidation threshold, an ltv) in 10^-18, rounded down.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [0, 1].</exception>
    public static ulong Fraction(decimal value)
    {
        if (value is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a fraction between 0 and 1");
        }
        return (ulong)FromDecimal(value, up: false);
    }

    /// <summary>A maintenance rate between 0 and 1 in 10^-18, rounded up (it counts against the account).</summary>
    public static ulong Rate(decimal value)
    {
        if (value is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a rate between 0 and 1");
        }
        return (ulong)FromDecimal(value, up: true);
    }

    /// <summary>A positive threshold of the health factor (a band, the warning level) in 10^-9, rounded up: a threshold crossed no later.</summary>
    public static ulong Threshold(decimal value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        var nanos = decimal.Ceiling(value * OneNano);
        return nanos > MaxThreshold * OneNano
            ? throw new ArgumentOutOfRangeException(nameof(value), value, $"a health-factor threshold above {MaxThreshold}")
            : (ulong)nanos;
    }

    /// <summary>
    /// floor(x · fraction / 10^18) for a fraction in 10^-18 of at most 1 (an amount after a haircut, a
    /// price times a threshold), without a wider product: x = q·10^18 + r gives q·f + r·f / 10^18.
    /// </summary>
    public static UInt128 TimesFraction(UInt128 x, ulong fraction)
    {
        if (fraction == One)
        {
            return x; // no haircut: the common case, without a division
        }
        var (quotient, remainder) = DivRemOne(x);
        return quotient * fraction + DivRemOne((UInt128)remainder * fraction).Quotient;
    }

    /// <summary>x / 10^18 and x % 10^18, by 64-bit divisions by a constant (a 128-bit division is a slow call).</summary>
    public static (UInt128 Quotient, ulong Remainder) DivRemOne(UInt128 x)
    {
        ulong carry = 0;
        var high = DivRemBillion((ulong)(x >> 64), ref carry);
        var low = DivRemBillion((ulong)x, ref carry);
        var low9 = carry;
        carry = 0;
        high = DivRemBillion(high, ref carry);
        low = DivRemBillion(low, ref carry);
        return ((UInt128)high << 64 | low, carry * OneNano + low9);
    }

    /// <summary>
    /// One 64-bit limb of a long division by 10^9, most significant limb first: <paramref name="carry"/>
    /// is the remainder so far (below 10^9) and becomes the new one. Each half-limb step divides a number
    /// below 2^62 by a constant.
    /// </summary>
    public static ulong DivRemBillion(ulong limb, ref ulong carry)
    {
        var high = carry << 32 | limb >> 32;
        var quotientHigh = high / OneNano;
        var low = (high - quotientHigh * OneNano) << 32 | (limb & 0xFFFF_FFFF);
        var quotientLow = low / OneNano;
        carry = low - quotientLow * OneNano;
        return quotientHigh << 32 | quotientLow;
    }
}
