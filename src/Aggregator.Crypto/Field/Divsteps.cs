using System.Numerics;
using System.Runtime.CompilerServices;

namespace Aggregator.Crypto.Field;

/// <summary>
/// Inversion modulo an odd prime q by Bernstein and Yang's divsteps ("Fast constant-time gcd computation
/// and modular inversion", 2019), in its variable-time form. A divstep needs only the parity of g, so
/// 62 of them are found from the low 64 bits of f and g alone, as a 2×2 matrix of integers below 2^62
/// in magnitude; the matrix is then applied once to the full values, and to the coefficients d and e
/// that track them (f ≡ d·x, g ≡ e·x mod q), whose division by 2^62 is made exact by adding a multiple
/// of q, as in a Montgomery reduction. About ten such rounds take g to 0 and f to ±1, leaving ±x⁻¹ in d.
/// </summary>
internal static class Divsteps<TModulus> where TModulus : struct, IModulus
{
    private const int StepsPerRound = 62;
    private const ulong LowBits = (1UL << StepsPerRound) - 1;

    // With δ starting at ½ (below, δ − ½ starting at 0), 256-bit values need at most 590 divsteps, ten
    // rounds; twelve cover even the 736 of the variant starting at 1. More is a defect, not an input.
    private const int MaxRounds = 12;

    private static readonly ulong Q0 = TModulus.Q0, Q1 = TModulus.Q1, Q2 = TModulus.Q2, Q3 = TModulus.Q3, QInvNeg = TModulus.QInvNeg;

    // R³ mod q: the product by it (which divides by R) turns (xR)⁻¹ into x⁻¹R.
    private static readonly Limbs RCubed = Limbs.FromBigInteger(BigInteger.ModPow(BigInteger.One << 256, 3, new Limbs(TModulus.Q0, TModulus.Q1, TModulus.Q2, TModulus.Q3).ToBigInteger()));

    /// <summary>x⁻¹R for a canonical Montgomery-form value xR other than 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized at once, as Multiply, for one-shot commands
    public static Limbs Inverse(in Limbs montgomery)
    {
        if (montgomery.IsZero)
        {
            throw new DivideByZeroException("zero has no inverse");
        }
        // f and g are two's complement (|f|, |g| ≤ q < 2^254); d and e stay in (−2q, q).
        var f = new Limbs(Q0, Q1, Q2, Q3);
        var g = montgomery;
        var d = default(Limbs);
        var e = new Limbs(1, 0, 0, 0);
        var delta = 0; // δ − ½
        for (var round = 0; !g.IsZero; round++)
        {
            if (round == MaxRounds)
            {
                throw new InvalidOperationException($"the inverse took more than {MaxRounds} rounds of divsteps");
            }
            Round(ref delta, f.L0, g.L0, out var u, out var v, out var q, out var r);
            (f, g) = (Combine(f, g, u, v), Combine(f, g, q, r));
            (d, e) = (CombineModulo(d, e, u, v), CombineModulo(d, e, q, r));
        }
        // g = 0, so f = ±gcd(q, x) = ±1, and f ≡ d·xR.
        var negative = (long)f.L3 < 0;
        if (negative)
        {
            (f, d) = (Negate(f), Negate(d));
        }
        if (f != new Limbs(1, 0, 0, 0))
        {
            throw new ArgumentException("the value shares a factor with the modulus (it is not canonical)", nameof(montgomery));
        }
        var modulus = new Limbs(Q0, Q1, Q2, Q3);
        while ((long)d.L3 < 0)
        {
            d = Add(d, modulus);
        }
        while (!Montgomery<TModulus>.IsCanonical(d))
        {
            d = Add(d, Negate(modulus));
        }
        return Montgomery<TModulus>.Multiply(d, RCubed);
    }

    /// <summary>
    /// 62 divsteps on the low bits of f (odd) and g: the matrix [u v; q r] with 2^62·(f′, g′) = (u·f +
    /// v·g, q·f + r·g), where each row's magnitudes sum to at most 2^62. A run of zeros in g is halved at
    /// once, and up to 6 steps that keep f take one multiply-add; δ is kept as δ − ½ (Bernstein and
    /// Yang's faster-converging variant).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref int delta, ulong f, ulong g, out long u, out long v, out long q, out long r)
    {
        (u, v, q, r) = (1, 0, 0, 1);
        var left = StepsPerRound;
        while (true)
        {
            // Halving g doubles f's row (so both stay at the common scale 2^steps); the sentinel bit
            // stops the run at the round's end. The low 64 − steps bits stay exact, enough for 62.
            var zeros = (int)ulong.TrailingZeroCount(g | (1UL << left));
            g >>= zeros;
            u <<= zeros;
            v <<= zeros;
            delta += zeros;
            left -= zeros;
            if (left == 0)
            {
                return;
            }
            // g is odd: with δ > 0, (f, g) becomes (g, −f) and δ becomes −δ.
            if (delta >= 0)
            {
                delta = -delta - 1;
                (f, g) = (g, 0 - f);
                (u, q) = (q, -u);
                (v, r) = (r, -v);
            }
            // δ < 0 now, so the next −δ steps keep f: each adds f to g when g is odd, then halves g. Up
            // to 6 of them at once: g += w·f with w = −g/f mod 2^bits clears g's low bits, which the next
            // run halves away (f⁻¹ mod 64 is f·(2 − f²), as f² ≡ 1 mod 8).
            var bits = Math.Min(Math.Min(-delta, left), 6);
            var w = g * f * (f * f - 2) & ((1UL << bits) - 1);
            g += w * f;
            q += (long)w * u;
            r += (long)w * v;
        }
    }

    /// <summary>(x·a + y·b) / 2^62 for two's complement a, b, when the low 62 bits of the sum are 0.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see CombineModulo
    private static Limbs Combine(in Limbs a, in Limbs b, long x, long y)
    {
        // |x| + |y| ≤ 2^62: each limb's sum is below 2^126 in magnitude, with its carry below 2^127.
        Int128 sum = Product(a.L0, x) + Product(b.L0, y);
        var s0 = (ulong)sum;
        sum = (sum >> 64) + Product(a.L1, x) + Product(b.L1, y);
        var s1 = (ulong)sum;
        sum = (sum >> 64) + Product(a.L2, x) + Product(b.L2, y);
        var s2 = (ulong)sum;
        sum = (sum >> 64) + SignedProduct(a.L3, x) + SignedProduct(b.L3, y);
        return ShiftedDown(s0, s1, s2, (ulong)sum, (ulong)(sum >> 64));
    }

    /// <summary>
    /// (x·d + y·e + k·q) / 2^62 with k below 2^62 chosen so that the low 62 bits vanish: ≡ (x·d + y·e)
    /// / 2^62 mod q, and back in (−2q, q) when d and e are.
    /// </summary>
    // Compiled apart: inlined four times into Inverse, it ran the JIT out of inlining budget, and every
    // Int128 addition became a call.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Limbs CombineModulo(in Limbs d, in Limbs e, long x, long y)
    {
        var k = ((ulong)x * d.L0 + (ulong)y * e.L0) * QInvNeg & LowBits;
        // Per limb: below 2^126 − 2^62 from x·d + y·e, below 2^126 − 2^64 from k·q, 2^63 from the carry.
        Int128 sum = Product(d.L0, x) + Product(e.L0, y) + Product(Q0, (long)k);
        var s0 = (ulong)sum;
        sum = (sum >> 64) + Product(d.L1, x) + Product(e.L1, y) + Product(Q1, (long)k);
        var s1 = (ulong)sum;
        sum = (sum >> 64) + Product(d.L2, x) + Product(e.L2, y) + Product(Q2, (long)k);
        var s2 = (ulong)sum;
        sum = (sum >> 64) + SignedProduct(d.L3, x) + SignedProduct(e.L3, y) + Product(Q3, (long)k);
        return ShiftedDown(s0, s1, s2, (ulong)sum, (ulong)(sum >> 64));
    }

    // The five-limb two's complement value s / 2^62, which fits four limbs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs ShiftedDown(ulong s0, ulong s1, ulong s2, ulong s3, ulong s4) =>
        new((s0 >> StepsPerRound) | (s1 << (64 - StepsPerRound)), (s1 >> StepsPerRound) | (s2 << (64 - StepsPerRound)),
            (s2 >> StepsPerRound) | (s3 << (64 - StepsPerRound)), (s3 >> StepsPerRound) | (s4 << (64 - StepsPerRound)));

    // An unsigned limb times a signed factor, exactly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Int128 Product(ulong limb, long factor)
    {
        var high = Montgomery<TModulus>.MultiplyHigh(limb, (ulong)factor) - (limb & (ulong)(factor >> 63));
        return new Int128(high, limb * (ulong)factor);
    }

    // A two's complement top limb (signed) times a signed factor, exactly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Int128 SignedProduct(ulong limb, long factor)
    {
        var high = Montgomery<TModulus>.MultiplyHigh(limb, (ulong)factor) - (limb & (ulong)(factor >> 63)) - ((ulong)factor & (ulong)((long)limb >> 63));
        return new Int128(high, limb * (ulong)factor);
    }

    private static Limbs Negate(in Limbs a) => Add(new Limbs(~a.L0, ~a.L1, ~a.L2, ~a.L3), new Limbs(1, 0, 0, 0));

    // a + b modulo 2^256.
    private static Limbs Add(in Limbs a, in Limbs b)
    {
        var s0 = a.L0 + b.L0;
        var c = s0 < a.L0 ? 1UL : 0UL;
        var s1 = a.L1 + b.L1 + c;
        c = s1 < a.L1 || (c == 1 && s1 == a.L1) ? 1UL : 0UL;
        var s2 = a.L2 + b.L2 + c;
        c = s2 < a.L2 || (c == 1 && s2 == a.L2) ? 1UL : 0UL;
        return new Limbs(s0, s1, s2, a.L3 + b.L3 + c);
    }
}
