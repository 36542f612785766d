using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Aggregator.Crypto.Field;

/// <summary>Four little-endian 64-bit limbs: a 256-bit value. Plain fields, so the JIT keeps them in registers.</summary>
internal readonly struct Limbs : IEquatable<Limbs>
{
    public readonly ulong L0, L1, L2, L3;

    public Limbs(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        L0 = l0; L1 = l1; L2 = l2; L3 = l3;
    }

    public bool Equals(Limbs other) => L0 == other.L0 && L1 == other.L1 && L2 == other.L2 && L3 == other.L3;

    public override bool Equals(object? obj) => obj is Limbs other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(L0, L1, L2, L3);

    public static bool operator ==(Limbs left, Limbs right) => left.Equals(right);

    public static bool operator !=(Limbs left, Limbs right) => !left.Equals(right);

    public bool IsZero => (L0 | L1 | L2 | L3) == 0;

    public BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[32];
        BitConverter.TryWriteBytes(bytes[..8], L0);
        BitConverter.TryWriteBytes(bytes[8..16], L1);
        BitConverter.TryWriteBytes(bytes[16..24], L2);
        BitConverter.TryWriteBytes(bytes[24..32], L3);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }

    public static Limbs FromBigInteger(BigInteger value)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return new Limbs(BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..16]), BitConverter.ToUInt64(bytes[16..24]), BitConverter.ToUInt64(bytes[24..32]));
    }
}

/// <summary>Eight little-endian 64-bit limbs: an unreduced 512-bit product.</summary>
internal readonly struct WideLimbs
{
    public readonly ulong L0, L1, L2, L3, L4, L5, L6, L7;

    public WideLimbs(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4, ulong l5, ulong l6, ulong l7)
    {
        L0 = l0; L1 = l1; L2 = l2; L3 = l3; L4 = l4; L5 = l5; L6 = l6; L7 = l7;
    }
}

/// <summary>A prime modulus below 2^254 with its Montgomery constants (R = 2^256).</summary>
internal interface IModulus
{
    static abstract ulong Q0 { get; }
    static abstract ulong Q1 { get; }
    static abstract ulong Q2 { get; }
    static abstract ulong Q3 { get; }
    /// <summary>-q^-1 mod 2^64.</summary>
    static abstract ulong QInvNeg { get; }
    /// <summary>R^2 mod q, which takes a value into Montgomery form.</summary>
    static abstract Limbs R2 { get; }
}

/// <summary>
/// Montgomery arithmetic modulo <typeparamref name="TModulus"/>; the JIT specializes it per modulus and
/// folds the constants. Values are kept below q.
/// </summary>
internal static class Montgomery<TModulus> where TModulus : struct, IModulus
{
    // Static readonly primitives are constants to the optimizing JIT: no call, no inlining budget spent.
    private static readonly ulong Q0 = TModulus.Q0, Q1 = TModulus.Q1, Q2 = TModulus.Q2, Q3 = TModulus.Q3, QInvNeg = TModulus.QInvNeg;

    /// <summary>
    /// a·b·2^-256 mod q. CIOS without the final carry word: valid because q's top limb is below
    /// 2^63 - 1 (q &lt; 2^254). Written out in full, and with the high and low halves of each product
    /// taken separately: the JIT stops inlining helpers part-way through a method this size, and
    /// Math.BigMul's out parameter sends every low word through memory (measured on this machine:
    /// 36 ns with this form, 90 to 125 ns with those).
    /// </summary>
    // Deliberately not inlined: inlined into a caller as large as a Poseidon permutation, it exhausts
    // the JIT's inlining budget and leaves the caller's small helpers as calls (measured: 8% slower).
    // Optimized at once rather than tiered: a one-shot command (prove, verify) would otherwise spend
    // its first thousands of products in unoptimized code.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Limbs Multiply(in Limbs a, in Limbs b)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, hi, lo, m, u, carryA, carryM;
        // Round 0: t = (t + a·b0 + m·r) / 2^64, m chosen so the low word vanishes.
        hi = MultiplyHigh(a.L0, b.L0); lo = a.L0 * b.L0; lo += t0; hi += lo < t0 ? 1UL : 0UL; t0 = lo; carryA = hi;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carryM = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(a.L1, b.L0); lo = a.L1 * b.L0; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t0 = lo;
        hi = MultiplyHigh(a.L2, b.L0); lo = a.L2 * b.L0; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t1 = lo;
        hi = MultiplyHigh(a.L3, b.L0); lo = a.L3 * b.L0; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t2 = lo;
        t3 = carryM + carryA;
        // Round 1: t = (t + a·b1 + m·r) / 2^64, m chosen so the low word vanishes.
        hi = MultiplyHigh(a.L0, b.L1); lo = a.L0 * b.L1; lo += t0; hi += lo < t0 ? 1UL : 0UL; t0 = lo; carryA = hi;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carryM = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(a.L1, b.L1); lo = a.L1 * b.L1; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t0 = lo;
        hi = MultiplyHigh(a.L2, b.L1); lo = a.L2 * b.L1; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t1 = lo;
        hi = MultiplyHigh(a.L3, b.L1); lo = a.L3 * b.L1; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t2 = lo;
        t3 = carryM + carryA;
        // Round 2: t = (t + a·b2 + m·r) / 2^64, m chosen so the low word vanishes.
        hi = MultiplyHigh(a.L0, b.L2); lo = a.L0 * b.L2; lo += t0; hi += lo < t0 ? 1UL : 0UL; t0 = lo; carryA = hi;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carryM = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(a.L1, b.L2); lo = a.L1 * b.L2; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t0 = lo;
        hi = MultiplyHigh(a.L2, b.L2); lo = a.L2 * b.L2; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t1 = lo;
        hi = MultiplyHigh(a.L3, b.L2); lo = a.L3 * b.L2; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t2 = lo;
        t3 = carryM + carryA;
        // Round 3: t = (t + a·b3 + m·r) / 2^64, m chosen so the low word vanishes.
        hi = MultiplyHigh(a.L0, b.L3); lo = a.L0 * b.L3; lo += t0; hi += lo < t0 ? 1UL : 0UL; t0 = lo; carryA = hi;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carryM = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(a.L1, b.L3); lo = a.L1 * b.L3; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t0 = lo;
        hi = MultiplyHigh(a.L2, b.L3); lo = a.L2 * b.L3; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t1 = lo;
        hi = MultiplyHigh(a.L3, b.L3); lo = a.L3 * b.L3; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carryA; hi += lo < carryA ? 1UL : 0UL; carryA = hi; u = lo;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += u; hi += lo < u ? 1UL : 0UL; lo += carryM; hi += lo < carryM ? 1UL : 0UL; carryM = hi; t2 = lo;
        t3 = carryM + carryA;
        return ReduceProduct(t0, t1, t2, t3);
    }

    /// <summary>The full 512-bit product a·b, unreduced (for sums of products reduced once, as in Fq2).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static WideLimbs MultiplyWide(in Limbs a, in Limbs b)
    {
        ulong r0, r1, r2, r3, r4, r5, r6, r7, hi, lo, carry;
        hi = MultiplyHigh(a.L0, b.L0); r0 = a.L0 * b.L0; carry = hi;
        hi = MultiplyHigh(a.L1, b.L0); lo = a.L1 * b.L0; lo += carry; hi += lo < carry ? 1UL : 0UL; r1 = lo; carry = hi;
        hi = MultiplyHigh(a.L2, b.L0); lo = a.L2 * b.L0; lo += carry; hi += lo < carry ? 1UL : 0UL; r2 = lo; carry = hi;
        hi = MultiplyHigh(a.L3, b.L0); lo = a.L3 * b.L0; lo += carry; hi += lo < carry ? 1UL : 0UL; r3 = lo; carry = hi;
        r4 = carry;
        hi = MultiplyHigh(a.L0, b.L1); lo = a.L0 * b.L1; lo += r1; hi += lo < r1 ? 1UL : 0UL; r1 = lo; carry = hi;
        hi = MultiplyHigh(a.L1, b.L1); lo = a.L1 * b.L1; lo += r2; hi += lo < r2 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r2 = lo; carry = hi;
        hi = MultiplyHigh(a.L2, b.L1); lo = a.L2 * b.L1; lo += r3; hi += lo < r3 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r3 = lo; carry = hi;
        hi = MultiplyHigh(a.L3, b.L1); lo = a.L3 * b.L1; lo += r4; hi += lo < r4 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r4 = lo; carry = hi;
        r5 = carry;
        hi = MultiplyHigh(a.L0, b.L2); lo = a.L0 * b.L2; lo += r2; hi += lo < r2 ? 1UL : 0UL; r2 = lo; carry = hi;
        hi = MultiplyHigh(a.L1, b.L2); lo = a.L1 * b.L2; lo += r3; hi += lo < r3 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r3 = lo; carry = hi;
        hi = MultiplyHigh(a.L2, b.L2); lo = a.L2 * b.L2; lo += r4; hi += lo < r4 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r4 = lo; carry = hi;
        hi = MultiplyHigh(a.L3, b.L2); lo = a.L3 * b.L2; lo += r5; hi += lo < r5 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r5 = lo; carry = hi;
        r6 = carry;
        hi = MultiplyHigh(a.L0, b.L3); lo = a.L0 * b.L3; lo += r3; hi += lo < r3 ? 1UL : 0UL; r3 = lo; carry = hi;
        hi = MultiplyHigh(a.L1, b.L3); lo = a.L1 * b.L3; lo += r4; hi += lo < r4 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r4 = lo; carry = hi;
        hi = MultiplyHigh(a.L2, b.L3); lo = a.L2 * b.L3; lo += r5; hi += lo < r5 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r5 = lo; carry = hi;
        hi = MultiplyHigh(a.L3, b.L3); lo = a.L3 * b.L3; lo += r6; hi += lo < r6 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; r6 = lo; carry = hi;
        r7 = carry;
        return new WideLimbs(r0, r1, r2, r3, r4, r5, r6, r7);
    }

    /// <summary>
    /// Montgomery reduction t·2^-256 mod q for t below 6q² (three complex products summed, see
    /// <see cref="ComplexProductWide"/>): the quotient (t + m·q)/2^256 is then below 2.2q, so two
    /// conditional subtractions bring it into [0, q).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Limbs Reduce(in WideLimbs t)
    {
        ulong t0 = t.L0, t1 = t.L1, t2 = t.L2, t3 = t.L3, t4 = t.L4, t5 = t.L5, t6 = t.L6, t7 = t.L7, m, hi, lo, carry, extra;
        m = t0 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t0; carry = hi + (lo < t0 ? 1UL : 0UL);
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += t1; hi += lo < t1 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t1 = lo; carry = hi;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t2 = lo; carry = hi;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t3 = lo; carry = hi;
        t4 += carry; extra = t4 < carry ? 1UL : 0UL;
        m = t1 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t1; carry = hi + (lo < t1 ? 1UL : 0UL);
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += t2; hi += lo < t2 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t2 = lo; carry = hi;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t3 = lo; carry = hi;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += t4; hi += lo < t4 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t4 = lo; carry = hi;
        carry += extra; extra = carry < extra ? 1UL : 0UL; t5 += carry; extra += t5 < carry ? 1UL : 0UL;
        m = t2 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t2; carry = hi + (lo < t2 ? 1UL : 0UL);
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += t3; hi += lo < t3 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t3 = lo; carry = hi;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += t4; hi += lo < t4 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t4 = lo; carry = hi;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += t5; hi += lo < t5 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t5 = lo; carry = hi;
        carry += extra; extra = carry < extra ? 1UL : 0UL; t6 += carry; extra += t6 < carry ? 1UL : 0UL;
        m = t3 * QInvNeg;
        hi = MultiplyHigh(m, Q0); lo = m * Q0; lo += t3; carry = hi + (lo < t3 ? 1UL : 0UL);
        hi = MultiplyHigh(m, Q1); lo = m * Q1; lo += t4; hi += lo < t4 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t4 = lo; carry = hi;
        hi = MultiplyHigh(m, Q2); lo = m * Q2; lo += t5; hi += lo < t5 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t5 = lo; carry = hi;
        hi = MultiplyHigh(m, Q3); lo = m * Q3; lo += t6; hi += lo < t6 ? 1UL : 0UL; lo += carry; hi += lo < carry ? 1UL : 0UL; t6 = lo; carry = hi;
        t7 += carry + extra; // no carry out: t + m·q < 2^512
        var once = ReduceProduct(t4, t5, t6, t7);
        return ReduceOnce(once.L0, once.L1, once.L2, once.L3);
    }

    /// <summary>q², the offset that keeps a difference of products non-negative and leaves it unchanged mod q.</summary>
    private static readonly WideLimbs ModulusSquared = Wide(BigInteger.Pow(new Limbs(Q0, Q1, Q2, Q3).ToBigInteger(), 2));

    /// <summary>
    /// The complex product (a0 + a1·i)(b0 + b1·i) with i² = −1, unreduced, by Karatsuba: real part
    /// a0·b0 + q² − a1·b1 and imaginary part (a0 + a1)(b0 + b1) − a0·b0 − a1·b1 = a0·b1 + a1·b0, both
    /// non-negative and below 2q² for inputs below q, so up to three such products can be summed before
    /// one <see cref="Reduce"/>.
    /// </summary>
    public static void ComplexProductWide(in Limbs a0, in Limbs a1, in Limbs b0, in Limbs b1, out WideLimbs real, out WideLimbs imaginary)
    {
        var v0 = MultiplyWide(a0, b0);
        var v1 = MultiplyWide(a1, b1);
        var sums = MultiplyWide(AddUnreduced(a0, a1), AddUnreduced(b0, b1));
        real = SubtractWide(AddWide(v0, ModulusSquared), v1);
        imaginary = SubtractWide(SubtractWide(sums, v0), v1);
    }

    /// <summary>a + b for wide values whose sum stays below 2^512 (the callers' bounds guarantee it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLimbs AddWide(in WideLimbs a, in WideLimbs b)
    {
        ulong carry;
        ulong s0 = AddWithCarry(a.L0, b.L0, 0, out carry);
        ulong s1 = AddWithCarry(a.L1, b.L1, carry, out carry);
        ulong s2 = AddWithCarry(a.L2, b.L2, carry, out carry);
        ulong s3 = AddWithCarry(a.L3, b.L3, carry, out carry);
        ulong s4 = AddWithCarry(a.L4, b.L4, carry, out carry);
        ulong s5 = AddWithCarry(a.L5, b.L5, carry, out carry);
        ulong s6 = AddWithCarry(a.L6, b.L6, carry, out carry);
        return new WideLimbs(s0, s1, s2, s3, s4, s5, s6, a.L7 + b.L7 + carry);
    }

    // a − b for wide values with a ≥ b (the callers' bounds guarantee it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static WideLimbs SubtractWide(in WideLimbs a, in WideLimbs b)
    {
        ulong borrow;
        ulong d0 = SubtractWithBorrow(a.L0, b.L0, 0, out borrow);
        ulong d1 = SubtractWithBorrow(a.L1, b.L1, borrow, out borrow);
        ulong d2 = SubtractWithBorrow(a.L2, b.L2, borrow, out borrow);
        ulong d3 = SubtractWithBorrow(a.L3, b.L3, borrow, out borrow);
        ulong d4 = SubtractWithBorrow(a.L4, b.L4, borrow, out borrow);
        ulong d5 = SubtractWithBorrow(a.L5, b.L5, borrow, out borrow);
        ulong d6 = SubtractWithBorrow(a.L6, b.L6, borrow, out borrow);
        return new WideLimbs(d0, d1, d2, d3, d4, d5, d6, a.L7 - b.L7 - borrow);
    }

    private static WideLimbs Wide(BigInteger value)
    {
        var low = Limbs.FromBigInteger(value & ((BigInteger.One << 256) - 1));
        var high = Limbs.FromBigInteger(value >> 256);
        return new WideLimbs(low.L0, low.L1, low.L2, low.L3, high.L0, high.L1, high.L2, high.L3);
    }

    /// <summary>a + b without reduction: below 2q, which a wide product still takes (4q² &lt; q·2^256).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs AddUnreduced(in Limbs a, in Limbs b)
    {
        ulong carry;
        ulong s0 = AddWithCarry(a.L0, b.L0, 0, out carry);
        ulong s1 = AddWithCarry(a.L1, b.L1, carry, out carry);
        ulong s2 = AddWithCarry(a.L2, b.L2, carry, out carry);
        return new Limbs(s0, s1, s2, a.L3 + b.L3 + carry);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Limbs Add(in Limbs a, in Limbs b)
    {
        // Both operands are below q < 2^254, so the 256-bit sum cannot overflow.
        ulong carry;
        ulong s0 = AddWithCarry(a.L0, b.L0, 0, out carry);
        ulong s1 = AddWithCarry(a.L1, b.L1, carry, out carry);
        ulong s2 = AddWithCarry(a.L2, b.L2, carry, out carry);
        ulong s3 = a.L3 + b.L3 + carry;
        return ReduceOnce(s0, s1, s2, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Limbs Subtract(in Limbs a, in Limbs b)
    {
        ulong borrow;
        ulong d0 = SubtractWithBorrow(a.L0, b.L0, 0, out borrow);
        ulong d1 = SubtractWithBorrow(a.L1, b.L1, borrow, out borrow);
        ulong d2 = SubtractWithBorrow(a.L2, b.L2, borrow, out borrow);
        ulong d3 = SubtractWithBorrow(a.L3, b.L3, borrow, out borrow);
        // Add q back under a mask rather than a branch: the borrow is data-dependent and mispredicts half the time.
        ulong mask = 0UL - borrow, carry;
        d0 = AddWithCarry(d0, Q0 & mask, 0, out carry);
        d1 = AddWithCarry(d1, Q1 & mask, carry, out carry);
        d2 = AddWithCarry(d2, Q2 & mask, carry, out carry);
        d3 += (Q3 & mask) + carry;
        return new Limbs(d0, d1, d2, d3);
    }

    // floor(q / 2^194) + 1: dividing the top 64 bits of a value below 2^258 by it estimates the value's
    // quotient by q from below, off by at most one (for q near 2^254, as both BN254 moduli are, the
    // divisor has about 60 significant bits).
    private static readonly ulong QuotientDivisor = (Q3 >> 2) + 1;

    /// <summary>
    /// (k·a + b) mod q for a small factor k (k·q + q below 2^258, so k ≤ 15): one quotient estimate and
    /// one correction instead of the chain of doublings and reductions (multiplying by ξ = 9 + u is
    /// two of these).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Limbs MultiplySmallAdd(in Limbs a, ulong k, in Limbs b)
    {
        // x = k·a + b in five limbs.
        ulong carry, hi;
        ulong x0 = a.L0 * k; hi = MultiplyHigh(a.L0, k); x0 += b.L0; carry = hi + (x0 < b.L0 ? 1UL : 0UL);
        ulong x1 = a.L1 * k; hi = MultiplyHigh(a.L1, k); x1 += carry; hi += x1 < carry ? 1UL : 0UL; x1 += b.L1; carry = hi + (x1 < b.L1 ? 1UL : 0UL);
        ulong x2 = a.L2 * k; hi = MultiplyHigh(a.L2, k); x2 += carry; hi += x2 < carry ? 1UL : 0UL; x2 += b.L2; carry = hi + (x2 < b.L2 ? 1UL : 0UL);
        ulong x3 = a.L3 * k; hi = MultiplyHigh(a.L3, k); x3 += carry; hi += x3 < carry ? 1UL : 0UL; x3 += b.L3; ulong x4 = hi + (x3 < b.L3 ? 1UL : 0UL);
        // x − n·q with n = floor(x / q) or one less; the remainder is below 2q and fits four limbs.
        ulong n = ((x4 << 62) | (x3 >> 2)) / QuotientDivisor;
        ulong borrow;
        ulong r0 = SubtractWithBorrow(x0, Q0 * n, 0, out borrow);
        ulong c = MultiplyHigh(Q0, n);
        ulong p1 = Q1 * n + c; c = MultiplyHigh(Q1, n) + (p1 < c ? 1UL : 0UL);
        ulong r1 = SubtractWithBorrow(x1, p1, borrow, out borrow);
        ulong p2 = Q2 * n + c; c = MultiplyHigh(Q2, n) + (p2 < c ? 1UL : 0UL);
        ulong r2 = SubtractWithBorrow(x2, p2, borrow, out borrow);
        ulong p3 = Q3 * n + c;
        ulong r3 = SubtractWithBorrow(x3, p3, borrow, out _);
        return ReduceOnce(r0, r1, r2, r3);
    }

    public static Limbs ToMontgomery(in Limbs canonical) => Multiply(canonical, TModulus.R2);

    /// <summary>The inverse of a Montgomery-form value aR, as a⁻¹R (<see cref="Divsteps{TModulus}"/>). Zero has none.</summary>
    public static Limbs Inverse(in Limbs montgomery) => Divsteps<TModulus>.Inverse(montgomery);

    public static Limbs FromMontgomery(in Limbs montgomery) => Multiply(montgomery, new Limbs(1, 0, 0, 0));

    public static bool IsCanonical(in Limbs value)
    {
        SubtractWithBorrow(value.L0, Q0, 0, out var borrow);
        SubtractWithBorrow(value.L1, Q1, borrow, out borrow);
        SubtractWithBorrow(value.L2, Q2, borrow, out borrow);
        SubtractWithBorrow(value.L3, Q3, borrow, out borrow);
        return borrow != 0;
    }

    /// <summary>q as an integer.</summary>
    public static BigInteger Modulus { get; } = new Limbs(Q0, Q1, Q2, Q3).ToBigInteger();

    // Maps a value below 2q into [0, q), selecting by mask (branch-free, as in Subtract).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs ReduceOnce(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        ulong borrow;
        ulong d0 = SubtractWithBorrow(s0, Q0, 0, out borrow);
        ulong d1 = SubtractWithBorrow(s1, Q1, borrow, out borrow);
        ulong d2 = SubtractWithBorrow(s2, Q2, borrow, out borrow);
        ulong d3 = SubtractWithBorrow(s3, Q3, borrow, out borrow);
        ulong keep = 0UL - borrow;
        return new Limbs(d0 ^ ((d0 ^ s0) & keep), d1 ^ ((d1 ^ s1) & keep), d2 ^ ((d2 ^ s2) & keep), d3 ^ ((d3 ^ s3) & keep));
    }

    // As ReduceOnce, but with a branch: a product needs the subtraction rarely enough (about one time in
    // five) for the prediction to beat the mask (measured: the Miller loop about 4% faster).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs ReduceProduct(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        ulong borrow;
        ulong d0 = SubtractWithBorrow(s0, Q0, 0, out borrow);
        ulong d1 = SubtractWithBorrow(s1, Q1, borrow, out borrow);
        ulong d2 = SubtractWithBorrow(s2, Q2, borrow, out borrow);
        ulong d3 = SubtractWithBorrow(s3, Q3, borrow, out borrow);
        return borrow == 0 ? new Limbs(d0, d1, d2, d3) : new Limbs(s0, s1, s2, s3);
    }

    /// <summary>The high word of x·y (<c>mulx</c> where the CPU has BMI2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong MultiplyHigh(ulong x, ulong y) =>
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
}
