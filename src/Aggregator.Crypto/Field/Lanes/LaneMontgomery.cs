using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Field.Lanes;

/// <summary>
/// Montgomery arithmetic on four independent elements at once, in the lanes of AVX2 registers
/// (<see cref="FieldLanes"/>). AVX2 multiplies 32-bit halves into 64-bit lanes (<c>vpmuludq</c>), so an
/// element is nine 29-bit limbs: a lane then has room to add the eighteen 58-bit products a limb
/// receives before its carry is taken. Measured here, a product costs 15 to 17 ns per element against
/// 61 to 86 for the scalar 64-bit one (bench/RESULTS.md), whose carries .NET must rebuild with compares.
/// <para>
/// The product divides by R' = 2^261 (nine rounds of 29 bits), not by the scalar code's R = 2^256:
/// on values in the scalar Montgomery form xR it returns xy·R/32. Callers fold the factor into their
/// constants. Values are not kept below q: each operation states the bound it needs and gives, and
/// <see cref="StoreCanonical"/> brings a result below q on the way out.
/// </para>
/// </summary>
internal static class LaneMontgomery<TModulus> where TModulus : struct, IModulus
{
    public const int LimbBits = 29;
    private const ulong LimbMask = (1UL << LimbBits) - 1;

    private static readonly BigInteger Modulus = Montgomery<TModulus>.Modulus;

    public static bool IsSupported => Avx2.IsSupported;

    // Static readonly vectors are constants to the optimizing JIT, as in Montgomery<TModulus>.
    private static readonly Vector256<ulong> Mask = Vector256.Create(LimbMask);
    private static readonly Vector256<uint> QInverse = Vector256.Create(InverseModulo29()).AsUInt32();
    private static readonly Vector256<uint> Q0 = LimbOf(Modulus, 0), Q1 = LimbOf(Modulus, 1), Q2 = LimbOf(Modulus, 2),
        Q3 = LimbOf(Modulus, 3), Q4 = LimbOf(Modulus, 4), Q5 = LimbOf(Modulus, 5), Q6 = LimbOf(Modulus, 6),
        Q7 = LimbOf(Modulus, 7), Q8 = LimbOf(Modulus, 8);

    // The limbs of 2^261 − q, whose multiples subtract multiples of q from a value below 2^261 without a borrow.
    private static readonly BigInteger Complement = (BigInteger.One << (9 * LimbBits)) - Modulus;
    private static readonly Vector256<uint> C0 = LimbOf(Complement, 0), C1 = LimbOf(Complement, 1), C2 = LimbOf(Complement, 2),
        C3 = LimbOf(Complement, 3), C4 = LimbOf(Complement, 4), C5 = LimbOf(Complement, 5), C6 = LimbOf(Complement, 6),
        C7 = LimbOf(Complement, 7), C8 = LimbOf(Complement, 8);

    // floor(2^44 / (q's top limb + 1)): the top limb of a value below 2^261 times it, shifted down by
    // 44, underestimates the value's quotient by q by less than one (q's top limb has 21 bits or more).
    private static readonly Vector256<uint> QuotientFactor = Vector256.Create((1UL << 44) / ((ulong)(Modulus >> (8 * LimbBits)) + 1)).AsUInt32();

    /// <summary>The same canonical value in all four lanes.</summary>
    public static FieldLanes Broadcast(BigInteger value)
    {
        if (value.Sign < 0 || value >= BigInteger.One << (9 * LimbBits))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "a lane value is below 2^261");
        }
        var lanes = default(FieldLanes);
        for (var j = 0; j < 9; j++)
        {
            lanes[j] = LimbOf(value, j).AsUInt64();
        }
        return lanes;
    }

    /// <summary>The Montgomery form x·2^256 mod q of x (as the scalar code holds it) in all four lanes.</summary>
    public static FieldLanes BroadcastMontgomeryForm(BigInteger x) => Broadcast((x << 256) % Modulus);

    /// <summary>
    /// k·q written with every limb but the top one at least 2^30 − 2 (borrowing from the limb above),
    /// so that <see cref="Subtract"/> can take away any value with limbs below that and a top limb at
    /// most k·q's minus two, and never go below zero.
    /// </summary>
    public static FieldLanes MultipleOfModulus(int k)
    {
        var lanes = Broadcast(k * Modulus);
        var borrow = Vector256.Create(1UL << (LimbBits + 1));
        var two = Vector256.Create(2UL);
        lanes[0] += borrow;
        for (var j = 1; j < 8; j++)
        {
            lanes[j] += borrow - two;
        }
        lanes[8] -= two;
        return lanes;
    }

    /// <summary>
    /// a·b·2^−261 mod q, lane by lane, for a·b below q·2^261 (for example both below 12q). The result is
    /// below a·b/2^261 + q (below 2q), with limbs below 2^29. Operands' limbs must be below about 2^29
    /// (any result of this class); the product may be one of the operands.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(in FieldLanes a, in FieldLanes b, ref FieldLanes product)
    {
        // Operand scanning, one reduction per limb of a; the accumulator's slots rotate instead of moving.
        Vector256<ulong> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default, t8 = default;
        Round(a[0], b, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8);
        Round(a[1], b, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0);
        Round(a[2], b, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1);
        Round(a[3], b, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2);
        Round(a[4], b, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3);
        Round(a[5], b, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a[6], b, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5);
        Round(a[7], b, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6);
        Round(a[8], b, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7);
        // The result is t0..t7 (t8 was shifted out last); carry each limb into the next.
        t1 += t0 >>> LimbBits; product[0] = t0 & Mask;
        t2 += t1 >>> LimbBits; product[1] = t1 & Mask;
        t3 += t2 >>> LimbBits; product[2] = t2 & Mask;
        t4 += t3 >>> LimbBits; product[3] = t3 & Mask;
        t5 += t4 >>> LimbBits; product[4] = t4 & Mask;
        t6 += t5 >>> LimbBits; product[5] = t5 & Mask;
        t7 += t6 >>> LimbBits; product[6] = t6 & Mask;
        product[8] = t7 >>> LimbBits; product[7] = t7 & Mask;
    }

    // t = (t + a·b + m·q) / 2^29 with m making the low limb vanish; t0 is the lowest slot, and becomes
    // the highest (zero) for the next round. Each slot gains two products below 2^58 per round.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(Vector256<ulong> limb, in FieldLanes b, ref Vector256<ulong> t0, ref Vector256<ulong> t1, ref Vector256<ulong> t2,
        ref Vector256<ulong> t3, ref Vector256<ulong> t4, ref Vector256<ulong> t5, ref Vector256<ulong> t6, ref Vector256<ulong> t7, ref Vector256<ulong> t8)
    {
        var a = limb.AsUInt32();
        t0 += Avx2.Multiply(a, b[0].AsUInt32());
        t1 += Avx2.Multiply(a, b[1].AsUInt32());
        t2 += Avx2.Multiply(a, b[2].AsUInt32());
        t3 += Avx2.Multiply(a, b[3].AsUInt32());
        t4 += Avx2.Multiply(a, b[4].AsUInt32());
        t5 += Avx2.Multiply(a, b[5].AsUInt32());
        t6 += Avx2.Multiply(a, b[6].AsUInt32());
        t7 += Avx2.Multiply(a, b[7].AsUInt32());
        t8 += Avx2.Multiply(a, b[8].AsUInt32());
        var m = (Avx2.Multiply(t0.AsUInt32(), QInverse) & Mask).AsUInt32();
        t0 += Avx2.Multiply(m, Q0);
        t1 += Avx2.Multiply(m, Q1);
        t2 += Avx2.Multiply(m, Q2);
        t3 += Avx2.Multiply(m, Q3);
        t4 += Avx2.Multiply(m, Q4);
        t5 += Avx2.Multiply(m, Q5);
        t6 += Avx2.Multiply(m, Q6);
        t7 += Avx2.Multiply(m, Q7);
        t8 += Avx2.Multiply(m, Q8);
        t1 += t0 >>> LimbBits;
        t0 = default;
    }

    /// <summary>
    /// a + offset − b, where offset is a <see cref="MultipleOfModulus"/> large enough for b. Limbs come
    /// out below 2^29 + 4 (one carry step for all limbs at once), which a product takes as they are.
    /// The difference may be a or b.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Subtract(in FieldLanes a, in FieldLanes b, in FieldLanes offset, ref FieldLanes difference)
    {
        var d0 = a[0] + offset[0] - b[0];
        var d1 = a[1] + offset[1] - b[1];
        var d2 = a[2] + offset[2] - b[2];
        var d3 = a[3] + offset[3] - b[3];
        var d4 = a[4] + offset[4] - b[4];
        var d5 = a[5] + offset[5] - b[5];
        var d6 = a[6] + offset[6] - b[6];
        var d7 = a[7] + offset[7] - b[7];
        var d8 = a[8] + offset[8] - b[8];
        CarryOnce(d0, d1, d2, d3, d4, d5, d6, d7, d8, ref difference);
    }

    /// <summary>a + b, with one carry step for all limbs at once: limbs below 2^29 + 4 when the operands' are. The sum may be a or b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(in FieldLanes a, in FieldLanes b, ref FieldLanes sum)
    {
        var s0 = a[0] + b[0];
        var s1 = a[1] + b[1];
        var s2 = a[2] + b[2];
        var s3 = a[3] + b[3];
        var s4 = a[4] + b[4];
        var s5 = a[5] + b[5];
        var s6 = a[6] + b[6];
        var s7 = a[7] + b[7];
        var s8 = a[8] + b[8];
        CarryOnce(s0, s1, s2, s3, s4, s5, s6, s7, s8, ref sum);
    }

    // Limbs below 2^32 into limbs below 2^29 + 8: each limb's carry moves up once, all at the same time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CarryOnce(Vector256<ulong> l0, Vector256<ulong> l1, Vector256<ulong> l2, Vector256<ulong> l3, Vector256<ulong> l4,
        Vector256<ulong> l5, Vector256<ulong> l6, Vector256<ulong> l7, Vector256<ulong> l8, ref FieldLanes result)
    {
        result[0] = l0 & Mask;
        result[1] = (l1 & Mask) + (l0 >>> LimbBits);
        result[2] = (l2 & Mask) + (l1 >>> LimbBits);
        result[3] = (l3 & Mask) + (l2 >>> LimbBits);
        result[4] = (l4 & Mask) + (l3 >>> LimbBits);
        result[5] = (l5 & Mask) + (l4 >>> LimbBits);
        result[6] = (l6 & Mask) + (l5 >>> LimbBits);
        result[7] = (l7 & Mask) + (l6 >>> LimbBits);
        result[8] = l8 + (l7 >>> LimbBits);
    }

    /// <summary>32·a, exactly (no reduction), for a below 2^256 with limbs below 2^29 (a product's result).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyBy32(in FieldLanes a, ref FieldLanes product)
    {
        Vector256<ulong> a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8];
        const int Up = 5, Down = LimbBits - 5; // each limb keeps its low 24 bits, shifted up, and takes the 5 above from the limb below
        product[0] = (a0 << Up) & Mask;
        product[1] = ((a1 << Up) & Mask) | (a0 >>> Down);
        product[2] = ((a2 << Up) & Mask) | (a1 >>> Down);
        product[3] = ((a3 << Up) & Mask) | (a2 >>> Down);
        product[4] = ((a4 << Up) & Mask) | (a3 >>> Down);
        product[5] = ((a5 << Up) & Mask) | (a4 >>> Down);
        product[6] = ((a6 << Up) & Mask) | (a5 >>> Down);
        product[7] = ((a7 << Up) & Mask) | (a6 >>> Down);
        product[8] = (a8 << Up) | (a7 >>> Down);
    }

    /// <summary>a + b limb by limb, without carries: limbs below 2^30, for a <see cref="Subtract"/> to take away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddUnreduced(in FieldLanes a, in FieldLanes b, ref FieldLanes sum)
    {
        sum[0] = a[0] + b[0];
        sum[1] = a[1] + b[1];
        sum[2] = a[2] + b[2];
        sum[3] = a[3] + b[3];
        sum[4] = a[4] + b[4];
        sum[5] = a[5] + b[5];
        sum[6] = a[6] + b[6];
        sum[7] = a[7] + b[7];
        sum[8] = a[8] + b[8];
    }

    /// <summary>
    /// Reads four canonical 256-bit values (each a 64-bit little-endian Limbs), values[start + stride·lane]
    /// for lanes 0 to 3; past the end of <paramref name="values"/> a lane takes <paramref name="padding"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(ReadOnlySpan<Vector256<ulong>> values, int start, int stride, Vector256<ulong> padding, ref FieldLanes lanes) =>
        Load(start < values.Length ? values[start] : padding,
            start + stride < values.Length ? values[start + stride] : padding,
            start + 2 * stride < values.Length ? values[start + 2 * stride] : padding,
            start + 3 * stride < values.Length ? values[start + 3 * stride] : padding,
            ref lanes);

    /// <summary>Reads four canonical 256-bit values (each a 64-bit little-endian Limbs) into lanes 0 to 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(Vector256<ulong> value0, Vector256<ulong> value1, Vector256<ulong> value2, Vector256<ulong> value3, ref FieldLanes lanes)
    {
        var (w0, w1, w2, w3) = Transpose(value0, value1, value2, value3);
        lanes[0] = w0 & Mask;
        lanes[1] = (w0 >>> 29) & Mask;
        lanes[2] = ((w0 >>> 58) | (w1 << 6)) & Mask;
        lanes[3] = (w1 >>> 23) & Mask;
        lanes[4] = ((w1 >>> 52) | (w2 << 12)) & Mask;
        lanes[5] = (w2 >>> 17) & Mask;
        lanes[6] = ((w2 >>> 46) | (w3 << 18)) & Mask;
        lanes[7] = (w3 >>> 11) & Mask;
        lanes[8] = w3 >>> 40;
    }

    /// <summary>
    /// Writes the four lanes, brought below q, to values[start + stride·lane] as 256-bit Limbs (lanes past
    /// the end of <paramref name="values"/> are dropped). Any value below 2^261 whose limbs are below 2^32 will do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StoreCanonical(in FieldLanes lanes, Span<Vector256<ulong>> values, int start, int stride)
    {
        Vector256<ulong> l0 = lanes[0], l1 = lanes[1], l2 = lanes[2], l3 = lanes[3], l4 = lanes[4], l5 = lanes[5], l6 = lanes[6], l7 = lanes[7], l8 = lanes[8];
        ReduceBelowTwiceModulus(ref l0, ref l1, ref l2, ref l3, ref l4, ref l5, ref l6, ref l7, ref l8);
        // Now below 2q: subtract q once where v + (2^261 − q) reaches 2^261.
        Vector256<ulong> r0 = l0 + C0.AsUInt64(), r1 = l1 + C1.AsUInt64(), r2 = l2 + C2.AsUInt64(), r3 = l3 + C3.AsUInt64(), r4 = l4 + C4.AsUInt64(),
            r5 = l5 + C5.AsUInt64(), r6 = l6 + C6.AsUInt64(), r7 = l7 + C7.AsUInt64(), r8 = l8 + C8.AsUInt64();
        Carry(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, ref r8);
        var keep = Vector256<ulong>.Zero - (r8 >>> LimbBits); // all ones where v ≥ q
        l0 = Vector256.ConditionalSelect(keep, r0, l0); l1 = Vector256.ConditionalSelect(keep, r1, l1);
        l2 = Vector256.ConditionalSelect(keep, r2, l2); l3 = Vector256.ConditionalSelect(keep, r3, l3);
        l4 = Vector256.ConditionalSelect(keep, r4, l4); l5 = Vector256.ConditionalSelect(keep, r5, l5);
        l6 = Vector256.ConditionalSelect(keep, r6, l6); l7 = Vector256.ConditionalSelect(keep, r7, l7);
        l8 = Vector256.ConditionalSelect(keep, r8 & Mask, l8);
        var (w0, w1, w2, w3) = Transpose(
            l0 | (l1 << 29) | (l2 << 58),
            (l2 >>> 6) | (l3 << 23) | (l4 << 52),
            (l4 >>> 12) | (l5 << 17) | (l6 << 46),
            (l6 >>> 18) | (l7 << 11) | (l8 << 40));
        values[start] = w0;
        if (start + stride < values.Length)
        {
            values[start + stride] = w1;
        }
        if (start + 2 * stride < values.Length)
        {
            values[start + 2 * stride] = w2;
        }
        if (start + 3 * stride < values.Length)
        {
            values[start + 3 * stride] = w3;
        }
    }

    /// <summary>
    /// The same residues below 2q, with limbs below 2^29, for any values below 2^261 held in limbs
    /// that carry into it without overflowing 64 bits (for example a sum of products, added unreduced).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Reduce(ref FieldLanes value)
    {
        Vector256<ulong> l0 = value[0], l1 = value[1], l2 = value[2], l3 = value[3], l4 = value[4], l5 = value[5], l6 = value[6], l7 = value[7], l8 = value[8];
        ReduceBelowTwiceModulus(ref l0, ref l1, ref l2, ref l3, ref l4, ref l5, ref l6, ref l7, ref l8);
        value[0] = l0; value[1] = l1; value[2] = l2; value[3] = l3; value[4] = l4;
        value[5] = l5; value[6] = l6; value[7] = l7; value[8] = l8;
    }

    // A value below 2^261 to the same residue below 2q, limbs below 2^29.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceBelowTwiceModulus(ref Vector256<ulong> l0, ref Vector256<ulong> l1, ref Vector256<ulong> l2, ref Vector256<ulong> l3,
        ref Vector256<ulong> l4, ref Vector256<ulong> l5, ref Vector256<ulong> l6, ref Vector256<ulong> l7, ref Vector256<ulong> l8)
    {
        Carry(ref l0, ref l1, ref l2, ref l3, ref l4, ref l5, ref l6, ref l7, ref l8);
        // Subtract n·q for n = floor(v/q) or one less: add n·(2^261 − q) and drop the 2^261s.
        var n = (Avx2.Multiply(l8.AsUInt32(), QuotientFactor) >>> 44).AsUInt32();
        l0 += Avx2.Multiply(n, C0); l1 += Avx2.Multiply(n, C1); l2 += Avx2.Multiply(n, C2);
        l3 += Avx2.Multiply(n, C3); l4 += Avx2.Multiply(n, C4); l5 += Avx2.Multiply(n, C5);
        l6 += Avx2.Multiply(n, C6); l7 += Avx2.Multiply(n, C7); l8 += Avx2.Multiply(n, C8);
        Carry(ref l0, ref l1, ref l2, ref l3, ref l4, ref l5, ref l6, ref l7, ref l8);
        l8 &= Mask;
    }

    // Carries every limb into the next, lowest first: limbs 0 to 7 below 2^29 after.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Carry(ref Vector256<ulong> l0, ref Vector256<ulong> l1, ref Vector256<ulong> l2, ref Vector256<ulong> l3, ref Vector256<ulong> l4,
        ref Vector256<ulong> l5, ref Vector256<ulong> l6, ref Vector256<ulong> l7, ref Vector256<ulong> l8)
    {
        l1 += l0 >>> LimbBits; l0 &= Mask;
        l2 += l1 >>> LimbBits; l1 &= Mask;
        l3 += l2 >>> LimbBits; l2 &= Mask;
        l4 += l3 >>> LimbBits; l3 &= Mask;
        l5 += l4 >>> LimbBits; l4 &= Mask;
        l6 += l5 >>> LimbBits; l5 &= Mask;
        l7 += l6 >>> LimbBits; l6 &= Mask;
        l8 += l7 >>> LimbBits; l7 &= Mask;
    }

    // The 4×4 matrix of 64-bit words transposed: row i of the result is word i of every input.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<ulong>, Vector256<ulong>, Vector256<ulong>, Vector256<ulong>) Transpose(
        Vector256<ulong> r0, Vector256<ulong> r1, Vector256<ulong> r2, Vector256<ulong> r3)
    {
        var low01 = Avx2.UnpackLow(r0, r1);   // r0[0] r1[0] r0[2] r1[2]
        var high01 = Avx2.UnpackHigh(r0, r1); // r0[1] r1[1] r0[3] r1[3]
        var low23 = Avx2.UnpackLow(r2, r3);
        var high23 = Avx2.UnpackHigh(r2, r3);
        return (Avx2.Permute2x128(low01, low23, 0x20), Avx2.Permute2x128(high01, high23, 0x20),
            Avx2.Permute2x128(low01, low23, 0x31), Avx2.Permute2x128(high01, high23, 0x31));
    }

    private static Vector256<uint> LimbOf(BigInteger value, int j) =>
        Vector256.Create((ulong)((value >> (j * LimbBits)) & LimbMask)).AsUInt32();

    // −q⁻¹ mod 2^29, by Newton's iteration x ← x(2 − qx), which doubles the correct low bits each time.
    private static ulong InverseModulo29()
    {
        var q = TModulus.Q0;
        var x = 1UL; // correct to one bit: q is odd
        for (var i = 0; i < 5; i++)
        {
            x *= 2 - q * x;
        }
        return (0 - x) & LimbMask;
    }
}
