using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// Fq12 = Fq6[w] / (w² − v): C0 + C1·w. Over Fq2 its basis is w⁰…w⁵ with w² = v and w⁶ = ξ; the
/// coefficient of wʲ is C0.Cj/2 for even j and C1.C(j−1)/2 for odd j.
/// </summary>
internal readonly record struct Fq12(Fq6 C0, Fq6 C1) : IMultiplicative<Fq12>
{
    public static Fq12 One => new(Fq6.One, Fq6.Zero);

    public bool IsOne => C0 == Fq6.One && C1.IsZero;

    public bool IsZero => C0.IsZero && C1.IsZero;

    public static Fq12 operator *(in Fq12 a, in Fq12 b)
    {
        var v0 = a.C0 * b.C0;
        var v1 = a.C1 * b.C1;
        return new Fq12(v0 + v1.MultiplyByV(), (a.C0 + a.C1) * (b.C0 + b.C1) - v0 - v1);
    }

    /// <summary>
    /// Multiplication by a line's value a + (b + c·v)·w (a, b, c in Fq2): thirteen Fq2 products instead
    /// of the eighteen of a full product.
    /// </summary>
    public Fq12 MultiplyByLine(in Fq2 a, in Fq2 b, in Fq2 c)
    {
        var t0 = C0 * a;
        var t1 = C1.MultiplyBy01(b, c);
        var c1 = (C0 + C1).MultiplyBy01(a + b, c) - t0 - t1;
        return new Fq12(t0 + t1.MultiplyByV(), c1);
    }

    /// <summary>Multiplication by 1 + (b + c·v)·w: ten Fq2 products.</summary>
    public Fq12 MultiplyByNormalizedLine(in Fq2 b, in Fq2 c)
    {
        var t1 = C1.MultiplyBy01(b, c);
        var c1 = (C0 + C1).MultiplyBy01(b + Fq2.One, c) - C0 - t1;
        return new Fq12(C0 + t1.MultiplyByV(), c1);
    }

    public Fq12 Square()
    {
        // (a + bw)² = a² + b²v + 2ab·w, with a² + b²v = (a + b)(a + bv) − ab − ab·v
        var ab = C0 * C1;
        var c0 = (C0 + C1) * (C0 + C1.MultiplyByV()) - ab - ab.MultiplyByV();
        return new Fq12(c0, ab + ab);
    }

    /// <summary>
    /// Squaring in the cyclotomic subgroup (elements of norm 1, as after the final exponentiation's easy
    /// part), by Granger and Scott: three Fq4 squarings over the pairs (w⁰, w³), (w¹, w⁴), (w², w⁵).
    /// Wrong for other elements.
    /// </summary>
    public Fq12 CyclotomicSquare()
    {
        var z0 = C0.C0;
        var z4 = C0.C1;
        var z3 = C0.C2;
        var z2 = C1.C0;
        var z1 = C1.C1;
        var z5 = C1.C2;
        var (t0, t1) = Fq4Square(z0, z1);
        var (t2, t3) = Fq4Square(z2, z3);
        var (t4, t5) = Fq4Square(z4, z5);
        z0 = (t0 - z0).Double() + t0;
        z1 = (t1 + z1).Double() + t1;
        var t5Xi = t5.MultiplyByXi();
        z2 = (t5Xi + z2).Double() + t5Xi;
        z3 = (t4 - z3).Double() + t4;
        z4 = (t2 - z4).Double() + t2;
        z5 = (t3 + z5).Double() + t3;
        return new Fq12(new Fq6(z0, z4, z3), new Fq6(z2, z1, z5));
    }

    // (a + b·s)² in Fq2[s]/(s² − ξ) = (a² + ξb², 2ab), from three squarings (2ab = (a + b)² − a² − b²).
    private static (Fq2, Fq2) Fq4Square(in Fq2 a, in Fq2 b)
    {
        var aa = a.Square();
        var bb = b.Square();
        return (bb.MultiplyByXi() + aa, (a + b).Square() - aa - bb);
    }

    /// <summary>
    /// a^e in the cyclotomic subgroup from e's <see cref="SignedDigits"/> (least significant first):
    /// squaring with <see cref="CyclotomicSquare"/>, negative digits through the free inverse (conjugation).
    /// </summary>
    public Fq12 CyclotomicPow(ReadOnlySpan<sbyte> digits)
    {
        // a, a³, a⁵, … up to the largest digit.
        var largest = 1;
        foreach (var digit in digits)
        {
            largest = Math.Max(largest, Math.Abs((int)digit));
        }
        Span<Fq12> oddPowers = stackalloc Fq12[(largest + 1) / 2];
        oddPowers[0] = this;
        if (oddPowers.Length > 1)
        {
            var square = CyclotomicSquare();
            for (var i = 1; i < oddPowers.Length; i++)
            {
                oddPowers[i] = oddPowers[i - 1] * square;
            }
        }
        var result = One;
        var started = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            if (started)
            {
                result = result.CyclotomicSquare();
            }
            int digit = digits[i];
            if (digit != 0)
            {
                var term = digit > 0 ? oddPowers[digit / 2] : oddPowers[-digit / 2].Conjugate();
                result = started ? result * term : term;
                started = true;
            }
        }
        return result;
    }

    /// <summary>The p⁶-power Frobenius: a + bw ↦ a − bw (the inverse on the cyclotomic subgroup).</summary>
    public Fq12 Conjugate() => new(C0, -C1);

    public Fq12 Inverse()
    {
        // 1/(a + bw) = (a − bw)/(a² − b²v)
        var inverse = (C0.Square() - C1.Square().MultiplyByV()).Inverse();
        return new Fq12(C0 * inverse, -(C1 * inverse));
    }

    /// <summary>a^e for a non-negative exponent.</summary>
    public Fq12 Pow(BigInteger exponent) => Exponentiation.Pow(this, exponent);

    public static Fq12 Multiply(in Fq12 a, in Fq12 b) => a * b;

    /// <summary>
    /// The p-power Frobenius: conjugate each Fq2 coefficient of wʲ and multiply it by γⱼ = ξ^(j(p−1)/6),
    /// since w^p = w·ξ^((p−1)/6).
    /// </summary>
    public Fq12 Frobenius()
    {
        var g = FrobeniusCoefficients;
        return new Fq12(
            new Fq6(C0.C0.Conjugate(), C0.C1.Conjugate() * g[2], C0.C2.Conjugate() * g[4]),
            new Fq6(C1.C0.Conjugate() * g[1], C1.C1.Conjugate() * g[3], C1.C2.Conjugate() * g[5]));
    }

    /// <summary>γⱼ = ξ^(j(p−1)/6), j = 0..5, computed once from the definition.</summary>
    public static Fq2[] FrobeniusCoefficients { get; } =
        Enumerable.Range(0, 6).Select(j => Fq2.Xi.Pow(j * (Fq.Modulus - 1) / 6)).ToArray();
}
