using System.Runtime.CompilerServices;

namespace Aggregator.Margin.Evaluation;

/// <summary>
/// A value in the quote currency as a signed 256-bit count of 10^-36: the exact product of an amount in
/// 10^-18 whole units and a price in 10^-18 quote per whole unit (<see cref="FixedPoint"/>). Products
/// and sums are exact, so a sum kept up to date by adding the change of one term is always the sum of
/// its terms (no drift); rounding happens only where an input becomes fixed-point. An overflow (beyond
/// 2^255, far past any value the book admits) throws instead of wrapping.
/// </summary>
internal readonly struct QuoteValue : IEquatable<QuoteValue>, IComparable<QuoteValue>
{
    // Little-endian 64-bit limbs of a two's-complement number.
    private readonly ulong _0, _1, _2, _3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private QuoteValue(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        _0 = l0;
        _1 = l1;
        _2 = l2;
        _3 = l3;
    }

    public static QuoteValue Zero => default;

    public bool IsNegative => (long)_3 < 0;

    /// <summary>amount · price, both non-negative fixed-point numbers at 10^-18.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static QuoteValue Product(UInt128 amount, UInt128 price)
    {
        var a0 = (ulong)amount;
        var a1 = (ulong)(amount >> 64);
        var b0 = (ulong)price;
        var b1 = (ulong)(price >> 64);
        var h00 = Math.BigMul(a0, b0, out var l00);
        if ((a1 | b1) == 0)
        {
            return new QuoteValue(l00, h00, 0, 0);
        }
        var h01 = Math.BigMul(a0, b1, out var l01);
        var h10 = Math.BigMul(a1, b0, out var l10);
        var h11 = Math.BigMul(a1, b1, out var l11);
        // Each limb sums several terms; what overflows it is counted into the next.
        ulong middleOverflow = 0, highOverflow = 0;
        var middle = Add(Add(h00, l01, ref middleOverflow), l10, ref middleOverflow);
        var high = Add(Add(Add(h01, h10, ref highOverflow), l11, ref highOverflow), middleOverflow, ref highOverflow);
        var top = h11 + highOverflow;
        if ((long)top < 0)
        {
            throw Overflow();
        }
        return new QuoteValue(l00, middle, high, top);
    }

    /// <summary>amount · price where the amount (a change of amount, or a change of price) carries a sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static QuoteValue Product(Int128 signed, UInt128 other) =>
        Int128.IsNegative(signed) ? -Product((UInt128)(-signed), other) : Product((UInt128)signed, other);

    /// <summary>The product of two signed fixed-point numbers at 10^-18 (a perp's size and a price move).</summary>
    public static QuoteValue Product(Int128 left, Int128 right) =>
        Int128.IsNegative(right) ? -Product(left, (UInt128)(-right)) : Product(left, (UInt128)right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static QuoteValue operator +(QuoteValue left, QuoteValue right)
    {
        ulong carry = 0;
        var l0 = AddCarry(left._0, right._0, ref carry);
        var l1 = AddCarry(left._1, right._1, ref carry);
        var l2 = AddCarry(left._2, right._2, ref carry);
        var l3 = left._3 + right._3 + carry;
        // Signed overflow: both operands of one sign and the sum of the other.
        if ((long)((left._3 ^ l3) & (right._3 ^ l3)) < 0)
        {
            throw Overflow();
        }
        return new QuoteValue(l0, l1, l2, l3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static QuoteValue operator -(QuoteValue value)
    {
        if (value._3 == 1UL << 63 && (value._0 | value._1 | value._2) == 0)
        {
            throw Overflow();
        }
        var l0 = ~value._0 + 1;
        var c0 = l0 == 0 ? 1UL : 0;
        var l1 = ~value._1 + c0;
        var c1 = c0 == 1 && l1 == 0 ? 1UL : 0;
        var l2 = ~value._2 + c1;
        var c2 = c1 == 1 && l2 == 0 ? 1UL : 0;
        return new QuoteValue(l0, l1, l2, ~value._3 + c2);
    }

    // A subtraction with borrows, not an addition of the negation: a falling price's tick subtracts from
    // every holder's sum, and this stays inline where the negation's call did not.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static QuoteValue operator -(QuoteValue left, QuoteValue right)
    {
        ulong borrow = 0;
        var l0 = SubtractBorrow(left._0, right._0, ref borrow);
        var l1 = SubtractBorrow(left._1, right._1, ref borrow);
        var l2 = SubtractBorrow(left._2, right._2, ref borrow);
        var l3 = left._3 - right._3 - borrow;
        // Signed overflow: operands of different signs, and a difference whose sign is not the minuend's.
        if ((long)((left._3 ^ right._3) & (left._3 ^ l3)) < 0)
        {
            throw Overflow();
        }
        return new QuoteValue(l0, l1, l2, l3);
    }

    /// <summary>This value times a non-negative integer (a threshold in 10^-9, to compare a ratio with it without dividing).</summary>
    // Inlined: the live book compares each account's sums this way several times an evaluation.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public QuoteValue Times(ulong factor) => IsNegative ? -(-this).MagnitudeTimes(factor) : MagnitudeTimes(factor);

    // A non-negative value times a non-negative integer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private QuoteValue MagnitudeTimes(ulong factor)
    {
        var h0 = Math.BigMul(_0, factor, out var r0);
        var h1 = Math.BigMul(_1, factor, out var l1);
        var h2 = Math.BigMul(_2, factor, out var l2);
        var h3 = Math.BigMul(_3, factor, out var l3);
        ulong carry = 0;
        var s1 = AddCarry(l1, h0, ref carry);
        var s2 = AddCarry(l2, h1, ref carry);
        var s3 = AddCarry(l3, h2, ref carry);
        if ((h3 | carry) != 0 || (long)s3 < 0)
        {
            throw Overflow();
        }
        return new QuoteValue(r0, s1, s2, s3);
    }

    /// <summary>
    /// This non-negative value times a fraction given in 10^-18 (at most 1: a maintenance rate), rounded
    /// toward +∞ when <paramref name="up"/>, else toward −∞.
    /// </summary>
    public QuoteValue TimesFraction(ulong fraction, bool up)
    {
        if (IsNegative || fraction > FixedPoint.One)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), "a fraction of a non-negative value");
        }
        // (q·10^18 + r)·f / 10^18 = q·f + r·f / 10^18, each part inside its width.
        var (quotient, remainder) = DivRemOne(this);
        var (partQuotient, partRemainder) = FixedPoint.DivRemOne((UInt128)remainder * fraction);
        var sum = quotient.Times(fraction) + new QuoteValue((ulong)partQuotient, (ulong)(partQuotient >> 64), 0, 0);
        return up && partRemainder != 0 ? sum + new QuoteValue(1, 0, 0, 0) : sum;
    }

    /// <summary>
    /// The value in quote currency as a decimal, with as many of its 36 fractional digits as decimal holds
    /// (toward zero past them) and no trailing zeros: for reports and health factors, never for a decision.
    /// </summary>
    public decimal ToDecimal() =>
        TryToDecimal(out var value) ? value : throw new OverflowException("a value beyond decimal's range");

    private bool TryToDecimal(out decimal value)
    {
        value = 0;
        var negative = IsNegative;
        var magnitude = negative ? -this : this;
        // The 36 digits after the point in four groups of nine, most significant first.
        Span<uint> groups = stackalloc uint[4];
        for (var i = 3; i >= 0; i--)
        {
            magnitude = DivRemBillion(magnitude, out groups[i]);
        }
        if ((magnitude._2 | magnitude._3) != 0 || magnitude._1 >> 32 != 0)
        {
            return false;
        }
        var integer = (UInt128)magnitude._1 << 64 | magnitude._0;
        var digits = 36; // fractional digits without the trailing zeros
        for (var i = 3; i >= 0 && digits > 0; i--)
        {
            if (groups[i] != 0)
            {
                for (var g = groups[i]; g % 10 == 0; g /= 10)
                {
                    digits--;
                }
                break;
            }
            digits -= 9;
        }
        var scale = Math.Min(digits, 28);
        UInt128 mantissa;
        while (integer > DecimalLimit[scale] || ((mantissa = integer * Pow10[scale] + FractionPrefix(groups, scale)) >> 96) != 0)
        {
            scale--;
        }
        // Cut short, the kept digits may end in zeros (rare: a value of more than 28 digits).
        while (scale < digits && scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }
        value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64), negative && mantissa != 0, (byte)scale);
        return true;
    }

    // The first digits of a fraction given as groups of nine digits.
    private static UInt128 FractionPrefix(ReadOnlySpan<uint> groups, int digits)
    {
        UInt128 prefix = 0;
        for (var i = 0; i < groups.Length && digits > 0; i++)
        {
            var taken = Math.Min(digits, 9);
            prefix = prefix * (uint)Pow10[taken] + groups[i] / (uint)Pow10[9 - taken];
            digits -= taken;
        }
        return prefix;
    }

    /// <summary>
    /// numerator / denominator (positive) as a decimal: the quotient of the two decimals where both have
    /// one that is not 0, else of their leading 96 bits; a quotient beyond decimal's range is decimal's
    /// largest (or smallest). For a health factor, which is reported, never decided on.
    /// </summary>
    public static decimal Ratio(QuoteValue numerator, QuoteValue denominator)
    {
        if (denominator <= Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), "a positive denominator");
        }
        var negative = numerator.IsNegative;
        decimal top, bottom;
        if (!numerator.TryToDecimal(out top) || !denominator.TryToDecimal(out bottom) || bottom == 0)
        {
            var magnitude = negative ? -numerator : numerator;
            var shift = Math.Max(0, Math.Max(magnitude.BitLength, denominator.BitLength) - 96);
            top = (decimal)magnitude.ShiftedRight(shift);
            bottom = (decimal)denominator.ShiftedRight(shift);
            top = negative ? -top : top;
        }
        if (bottom == 0)
        {
            return negative ? decimal.MinValue : decimal.MaxValue;
        }
        try
        {
            return top / bottom;
        }
        catch (OverflowException)
        {
            return negative ? decimal.MinValue : decimal.MaxValue;
        }
    }

    private int BitLength =>
        _3 != 0 ? 256 - System.Numerics.BitOperations.LeadingZeroCount(_3)
        : _2 != 0 ? 192 - System.Numerics.BitOperations.LeadingZeroCount(_2)
        : _1 != 0 ? 128 - System.Numerics.BitOperations.LeadingZeroCount(_1)
        : 64 - System.Numerics.BitOperations.LeadingZeroCount(_0);

    // The low 128 bits of a non-negative value shifted right (the caller shifts until the rest is 0).
    private UInt128 ShiftedRight(int shift)
    {
        var low = (UInt128)_1 << 64 | _0;
        var high = (UInt128)_3 << 64 | _2;
        return shift == 0 ? low : shift < 128 ? low >> shift | high << (128 - shift) : high >> (shift - 128);
    }

    private static readonly UInt128[] Pow10 = [.. Enumerable.Range(0, 37).Select(e => UInt128.Parse("1" + new string('0', e), System.Globalization.CultureInfo.InvariantCulture))];

    // The integer parts above which integer·10^scale leaves 96 bits.
    private static readonly UInt128[] DecimalLimit = [.. Enumerable.Range(0, 29).Select(e => ((UInt128)1 << 96) / Pow10[e])];

    public int CompareTo(QuoteValue other)
    {
        if (_3 != other._3)
        {
            return ((long)_3).CompareTo((long)other._3);
        }
        if (_2 != other._2)
        {
            return _2.CompareTo(other._2);
        }
        return _1 != other._1 ? _1.CompareTo(other._1) : _0.CompareTo(other._0);
    }

    public static bool operator <(QuoteValue left, QuoteValue right) => left.CompareTo(right) < 0;

    public static bool operator >(QuoteValue left, QuoteValue right) => left.CompareTo(right) > 0;

    public static bool operator <=(QuoteValue left, QuoteValue right) => left.CompareTo(right) <= 0;

    public static bool operator >=(QuoteValue left, QuoteValue right) => left.CompareTo(right) >= 0;

    public static bool operator ==(QuoteValue left, QuoteValue right) => left.Equals(right);

    public static bool operator !=(QuoteValue left, QuoteValue right) => !left.Equals(right);

    public bool Equals(QuoteValue other) => _0 == other._0 && _1 == other._1 && _2 == other._2 && _3 == other._3;

    public override bool Equals(object? obj) => obj is QuoteValue other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_0, _1, _2, _3);

    /// <summary>The count of 10^-36 exactly, for checks and messages.</summary>
    public System.Numerics.BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, _0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], _1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], _2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], _3);
        return new System.Numerics.BigInteger(bytes, isUnsigned: false, isBigEndian: false);
    }

    /// <summary>The exact value: the count of 10^-36 and its scale.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ToBigInteger()}e-36");

    // A non-negative value divided by 10^9, with its remainder: half a limb at a time, so that each step
    // is a 64-bit division by a constant (a multiplication), not a 128-bit one.
    private static QuoteValue DivRemBillion(QuoteValue value, out uint remainder)
    {
        ulong carry = 0;
        // Leading zero limbs divide to zero with no remainder: values of the book rarely use the top one.
        var l3 = value._3 == 0 ? 0 : FixedPoint.DivRemBillion(value._3, ref carry);
        var l2 = (value._2 | carry) == 0 ? 0 : FixedPoint.DivRemBillion(value._2, ref carry);
        var l1 = FixedPoint.DivRemBillion(value._1, ref carry);
        var l0 = FixedPoint.DivRemBillion(value._0, ref carry);
        remainder = (uint)carry;
        return new QuoteValue(l0, l1, l2, l3);
    }

    // A non-negative value divided by 10^18, with its remainder.
    private static (QuoteValue Quotient, ulong Remainder) DivRemOne(QuoteValue value)
    {
        var quotient = DivRemBillion(DivRemBillion(value, out var low), out var high);
        return (quotient, (ulong)high * FixedPoint.OneNano + low);
    }

    // a + b, one more counted in overflow when the sum wraps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Add(ulong a, ulong b, ref ulong overflow)
    {
        var sum = a + b;
        overflow += sum < a ? 1UL : 0UL;
        return sum;
    }

    // a + b + carry (a carry of 0 or 1), the carry out left in carry: 64-bit adds the JIT keeps inline.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddCarry(ulong a, ulong b, ref ulong carry)
    {
        var sum = a + b;
        var result = sum + carry;
        carry = (sum < a ? 1UL : 0UL) + (result < sum ? 1UL : 0UL);
        return result;
    }

    private static ulong SubtractBorrow(ulong a, ulong b, ref ulong borrow)
    {
        var difference = a - b;
        var result = difference - borrow;
        borrow = (a < b ? 1UL : 0UL) + (difference < borrow ? 1UL : 0UL);
        return result;
    }

    private static OverflowException Overflow() => new("a value beyond 2^255 · 10^-36 of the quote currency");
}
