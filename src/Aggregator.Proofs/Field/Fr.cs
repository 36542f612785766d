using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Aggregator.Proofs.Field;

/// <summary>
/// An element of the BN254 scalar field r = 21888242871839275222246405745257275088548364400416034343698204186575808495617,
/// held in Montgomery form (x·2^256 mod r) in four little-endian 64-bit limbs. Arithmetic allocates nothing.
/// </summary>
public readonly struct Fr : IEquatable<Fr>, IComparable<Fr>
{
    // r, little-endian limbs.
    internal const ulong Q0 = 0x43e1f593f0000001, Q1 = 0x2833e84879b97091, Q2 = 0xb85045b68181585d, Q3 = 0x30644e72e131a029;
    // -r^-1 mod 2^64.
    internal const ulong QInvNeg = 0xc2e1f593efffffff;
    // 2^512 mod r: multiplying by it enters Montgomery form.
    internal const ulong R2_0 = 0x1bb8e645ae216da7, R2_1 = 0x53fe3ab1e35c59e3, R2_2 = 0x8c49833d53bb8085, R2_3 = 0x0216d0b17f4e44a5;

    /// <summary>The modulus r as a <see cref="BigInteger"/> (for parsing and tests, never the hot path).</summary>
    public static readonly BigInteger Modulus = BigInteger.Parse(
        "21888242871839275222246405745257275088548364400416034343698204186575808495617", CultureInfo.InvariantCulture);

    private readonly ulong _l0, _l1, _l2, _l3;

    private Fr(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        _l0 = l0; _l1 = l1; _l2 = l2; _l3 = l3;
    }

    /// <summary>Zero.</summary>
    public static Fr Zero => default;

    /// <summary>One.</summary>
    public static Fr One { get; } = FromUInt64(1);

    /// <summary>The field element with the given value.</summary>
    public static Fr FromUInt64(ulong value) => ToMontgomery(value, 0, 0, 0);

    /// <summary>Reads a canonical little-endian value that must be below r.</summary>
    public static Fr FromCanonicalLimbs(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        if (!LessThanModulus(l0, l1, l2, l3))
        {
            throw new ArgumentOutOfRangeException(nameof(l3), "value is not below the field modulus r");
        }
        return ToMontgomery(l0, l1, l2, l3);
    }

    /// <summary>Reads 32 little-endian bytes holding a value below r.</summary>
    public static Fr FromCanonicalLittleEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException("a field element is 32 bytes", nameof(bytes));
        }
        return FromCanonicalLimbs(
            BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..16]),
            BitConverter.ToUInt64(bytes[16..24]), BitConverter.ToUInt64(bytes[24..32]));
    }

    /// <summary>Reads up to 32 big-endian bytes holding a value below r.</summary>
    public static Fr FromBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 32)
        {
            throw new ArgumentException("a field element is at most 32 bytes", nameof(bytes));
        }
        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        bytes.CopyTo(padded[(32 - bytes.Length)..]);
        padded.Reverse();
        return FromCanonicalLittleEndian(padded);
    }

    /// <summary>The element equal to <paramref name="value"/>, which must be in [0, r).</summary>
    public static Fr FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value >= Modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "value is not in [0, r)");
        }
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return FromCanonicalLittleEndian(bytes);
    }

    /// <summary>Parses a decimal string in [0, r); returns false for anything else.</summary>
    public static bool TryParse(string? text, out Fr value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 78 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        var integer = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (integer >= Modulus)
        {
            return false;
        }
        value = FromBigInteger(integer);
        return true;
    }

    /// <summary>Parses a decimal string in [0, r).</summary>
    public static Fr Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a decimal field element below r");

    /// <summary>The canonical value (out of Montgomery form), little-endian limbs.</summary>
    public void ToCanonicalLimbs(out ulong l0, out ulong l1, out ulong l2, out ulong l3)
    {
        var canonical = MontgomeryMultiply(this, new Fr(1, 0, 0, 0));
        l0 = canonical._l0; l1 = canonical._l1; l2 = canonical._l2; l3 = canonical._l3;
    }

    /// <summary>Writes the canonical value as 32 little-endian bytes.</summary>
    public void WriteCanonicalLittleEndian(Span<byte> destination)
    {
        ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        BitConverter.TryWriteBytes(destination[..8], l0);
        BitConverter.TryWriteBytes(destination[8..16], l1);
        BitConverter.TryWriteBytes(destination[16..24], l2);
        BitConverter.TryWriteBytes(destination[24..32], l3);
    }

    /// <summary>The canonical value as a non-negative integer.</summary>
    public BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[32];
        WriteCanonicalLittleEndian(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    /// <summary>The canonical value in decimal, as circomlibjs and snarkjs print it.</summary>
    public override string ToString() => ToBigInteger().ToString(CultureInfo.InvariantCulture);

    public bool IsZero => (_l0 | _l1 | _l2 | _l3) == 0;

    public static Fr operator +(in Fr a, in Fr b) => Add(a, b);
    public static Fr operator -(in Fr a, in Fr b) => Subtract(a, b);
    public static Fr operator *(in Fr a, in Fr b) => MontgomeryMultiply(a, b);
    public static bool operator ==(Fr a, Fr b) => a.Equals(b);
    public static bool operator !=(Fr a, Fr b) => !a.Equals(b);
    public static bool operator <(Fr a, Fr b) => a.CompareTo(b) < 0;
    public static bool operator >(Fr a, Fr b) => a.CompareTo(b) > 0;
    public static bool operator <=(Fr a, Fr b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Fr a, Fr b) => a.CompareTo(b) >= 0;

    /// <summary>a + b mod r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr Add(in Fr a, in Fr b)
    {
        // Both operands are below r < 2^254, so the 256-bit sum cannot overflow.
        ulong carry;
        ulong s0 = AddWithCarry(a._l0, b._l0, 0, out carry);
        ulong s1 = AddWithCarry(a._l1, b._l1, carry, out carry);
        ulong s2 = AddWithCarry(a._l2, b._l2, carry, out carry);
        ulong s3 = a._l3 + b._l3 + carry;
        return ReduceOnce(s0, s1, s2, s3);
    }

    /// <summary>a - b mod r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr Subtract(in Fr a, in Fr b)
    {
        ulong borrow;
        ulong d0 = SubtractWithBorrow(a._l0, b._l0, 0, out borrow);
        ulong d1 = SubtractWithBorrow(a._l1, b._l1, borrow, out borrow);
        ulong d2 = SubtractWithBorrow(a._l2, b._l2, borrow, out borrow);
        ulong d3 = SubtractWithBorrow(a._l3, b._l3, borrow, out borrow);
        if (borrow != 0)
        {
            ulong carry;
            d0 = AddWithCarry(d0, Q0, 0, out carry);
            d1 = AddWithCarry(d1, Q1, carry, out carry);
            d2 = AddWithCarry(d2, Q2, carry, out carry);
            d3 += Q3 + carry;
        }
        return new Fr(d0, d1, d2, d3);
    }

    /// <summary>a^5, Poseidon's S-box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr Pow5(in Fr a)
    {
        var square = MontgomeryMultiply(a, a);
        var fourth = MontgomeryMultiply(square, square);
        return MontgomeryMultiply(fourth, a);
    }

    /// <summary>
    /// a·b·2^-256 mod r: the Montgomery product, which is the field product of elements in Montgomery form.
    /// CIOS without the final carry word: valid because r's top limb is below 2^63 - 1 (r &lt; 2^254).
    /// Written out in full, and with the high and low halves of each product taken separately: the JIT
    /// stops inlining helpers part-way through a method this size, and Math.BigMul's out parameter
    /// sends every low word through memory (measured on this machine: 36 ns with this form, 90 to 125 ns with those).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr MontgomeryMultiply(in Fr a, in Fr b)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, hi, lo, m, u, carryA, carryM;
        // Round 0: t = (t + a·b0 + m·r) / 2^64, m chosen so the low word vanishes.
        hi = MultiplyHigh(a._l0, b._l0); lo = a._l0 * b._l0; lo += t0; hi += lo < t0 ? 1UL : 0UL; t0 = lo; carryA = hi;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carryM = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(a._l1, b._l0); lo = a._l1 * b._l0; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t0 = lo;
        hi = MultiplyHigh(a._l2, b._l0); lo = a._l2 * b._l0; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t1 = lo;
        hi = MultiplyHigh(a._l3, b._l0); lo = a._l3 * b._l0; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t2 = lo;
        t3 = carryM + carryA;
        // Round 1: t = (t + a·b1 + m·r) / 2^64, m chosen so the low word vanishes.
        hi = MultiplyHigh(a._l0, b._l1); lo = a._l0 * b._l1; lo += t0; hi += lo < t0 ? 1UL : 0UL; t0 = lo; carryA = hi;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carryM = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(a._l1, b._l1); lo = a._l1 * b._l1; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t0 = lo;
        hi = MultiplyHigh(a._l2, b._l1); lo = a._l2 * b._l1; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t1 = lo;
        hi = MultiplyHigh(a._l3, b._l1); lo = a._l3 * b._l1; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t2 = lo;
        t3 = carryM + carryA;
        // Round 2: t = (t + a·b2 + m·r) / 2^64, m chosen so the low word vanishes.
        hi = MultiplyHigh(a._l0, b._l2); lo = a._l0 * b._l2; lo += t0; hi += lo < t0 ? 1UL : 0UL; t0 = lo; carryA = hi;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carryM = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(a._l1, b._l2); lo = a._l1 * b._l2; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t0 = lo;
        hi = MultiplyHigh(a._l2, b._l2); lo = a._l2 * b._l2; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t1 = lo;
        hi = MultiplyHigh(a._l3, b._l2); lo = a._l3 * b._l2; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t2 = lo;
        t3 = carryM + carryA;
        // Round 3: t = (t + a·b3 + m·r) / 2^64, m chosen so the low word vanishes.
        hi = MultiplyHigh(a._l0, b._l3); lo = a._l0 * b._l3; lo += t0; hi += lo < t0 ? 1UL : 0UL; t0 = lo; carryA = hi;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carryM = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(a._l1, b._l3); lo = a._l1 * b._l3; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t0 = lo;
        hi = MultiplyHigh(a._l2, b._l3); lo = a._l2 * b._l3; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t1 = lo;
        hi = MultiplyHigh(a._l3, b._l3); lo = a._l3 * b._l3; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t2 = lo;
        t3 = carryM + carryA;
        return ReduceOnce(t0, t1, t2, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyHigh(ulong x, ulong y) =>
        Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(x, y) : Math.BigMul(x, y, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddWithCarry(ulong x, ulong y, ulong carryIn, out ulong carryOut)
    {
        ulong sum = x + y;
        ulong carry = sum < x ? 1UL : 0UL;
        sum += carryIn;
        carry += sum < carryIn ? 1UL : 0UL;
        carryOut = carry;
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubtractWithBorrow(ulong x, ulong y, ulong borrowIn, out ulong borrowOut)
    {
        ulong difference = x - y;
        ulong borrow = x < y ? 1UL : 0UL;
        ulong result = difference - borrowIn;
        borrow += difference < borrowIn ? 1UL : 0UL;
        borrowOut = borrow;
        return result;
    }

    // Maps a value below 2r into [0, r).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Fr ReduceOnce(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        ulong borrow;
        ulong d0 = SubtractWithBorrow(s0, Q0, 0, out borrow);
        ulong d1 = SubtractWithBorrow(s1, Q1, borrow, out borrow);
        ulong d2 = SubtractWithBorrow(s2, Q2, borrow, out borrow);
        ulong d3 = SubtractWithBorrow(s3, Q3, borrow, out borrow);
        return borrow == 0 ? new Fr(d0, d1, d2, d3) : new Fr(s0, s1, s2, s3);
    }

    private static bool LessThanModulus(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        SubtractWithBorrow(l0, Q0, 0, out var borrow);
        SubtractWithBorrow(l1, Q1, borrow, out borrow);
        SubtractWithBorrow(l2, Q2, borrow, out borrow);
        SubtractWithBorrow(l3, Q3, borrow, out borrow);
        return borrow != 0;
    }

    private static Fr ToMontgomery(ulong l0, ulong l1, ulong l2, ulong l3) =>
        MontgomeryMultiply(new Fr(l0, l1, l2, l3), new Fr(R2_0, R2_1, R2_2, R2_3));

    public bool Equals(Fr other) =>
        _l0 == other._l0 && _l1 == other._l1 && _l2 == other._l2 && _l3 == other._l3;

    public override bool Equals(object? obj) => obj is Fr other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_l0, _l1, _l2, _l3);

    /// <summary>Orders by canonical value (as integers), not by Montgomery representation.</summary>
    public int CompareTo(Fr other) => new CanonicalKey(this).CompareTo(new CanonicalKey(other));
}
