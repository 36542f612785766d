using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// The optimal ate pairing on BN254: a Miller loop over 6u + 2 with lines evaluated in affine
/// coordinates on the twist, two Frobenius-twisted additions, then the final exponentiation to the
/// power (p¹² − 1)/r. Verification multiplies several Miller loops and exponentiates once.
/// </summary>
internal static class Pairing
{
    internal static readonly BigInteger AteLoopCount = 6 * Curve.U + 2;

    /// <summary>e(P, Q) for P in G1 and Q in G2.</summary>
    public static Fq12 Pair(in AffinePoint<Fq> p, in AffinePoint<Fq2> q) => FinalExponentiation(MillerLoop(p, q));

    /// <summary>True when Π e(Pᵢ, Qᵢ) = 1.</summary>
    public static bool ProductIsOne(ReadOnlySpan<(AffinePoint<Fq> P, AffinePoint<Fq2> Q)> pairs)
    {
        var prepared = new (AffinePoint<Fq>, PreparedG2)[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            prepared[i] = (pairs[i].P, PreparedG2.Prepare(pairs[i].Q));
        }
        return FinalExponentiation(MillerLoop(prepared)).IsOne;
    }

    public static Fq12 MillerLoop(in AffinePoint<Fq> p, in AffinePoint<Fq2> q) => MillerLoop([(p, PreparedG2.Prepare(q))]);

    /// <summary>
    /// Π f_Qᵢ(Pᵢ) in one loop: one squaring of f per step whatever the number of pairs, and each G2
    /// point's lines computed once (<see cref="PreparedG2"/>), so a verification key's fixed points cost
    /// no inversion per proof.
    /// </summary>
    public static Fq12 MillerLoop(ReadOnlySpan<(AffinePoint<Fq> P, PreparedG2 Q)> pairs)
    {
        // Normalized lines take P as (xP/yP, 1/yP); yP is never zero on a curve of odd order.
        Span<(Fq X, Fq Y)> at = stackalloc (Fq, Fq)[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            var (p, q) = pairs[i];
            if (q.IsNormalized && !p.IsInfinity)
            {
                var inverseY = p.Y.Inverse();
                at[i] = (p.X * inverseY, inverseY);
            }
        }
        var f = Fq12.One;
        var steps = PreparedG2.StepCount;
        for (var step = 0; step < steps; step++)
        {
            if (PreparedG2.SquaresBefore(step))
            {
                f = f.Square();
            }
            for (var i = 0; i < pairs.Length; i++)
            {
                var (p, q) = pairs[i];
                if (p.IsInfinity || q.IsInfinity)
                {
                    continue;
                }
                f = q.IsNormalized ? q.Lines[step].MultiplyNormalizedInto(f, at[i].X, at[i].Y) : q.Lines[step].MultiplyInto(f, p);
            }
        }
        return f;
    }

    /// <summary>
    /// The tangent at T in Jacobian coordinates (x = X/Z², y = Y/Z³), and T ← 2T. With slope
    /// λ = 3X²/(2YZ), the line yP − λ·xP·w + (λ·xT − yT)·w³ scaled by 2YZ³ is
    /// 2YZ³·yP − 3X²Z²·xP·w + (3X³ − 2Y²)·w³. The doubling (dbl-2009-l) shares X², Y² and 2YZ with it.
    /// </summary>
    internal static LineCoefficients Tangent(ref JacobianPoint<Fq2> t)
    {
        var xx = t.X.Square();
        var yy = t.Y.Square();
        var zz = t.Z.Square();
        var threeXX = xx + xx + xx;
        var doubled = t.DoubleFrom(xx, yy); // its Z is 2YZ
        var line = new LineCoefficients(doubled.Z * zz, -(threeXX * zz), threeXX * t.X - yy.Double(), false);
        t = doubled;
        return line;
    }

    /// <summary>
    /// The line through T (Jacobian) and the affine point S, and T ← T + S. With H = xS·Z² − X and
    /// R = yS·Z³ − Y the slope is R/(ZH); scaled by Z³H the line is Z³H·yP − RZ²·xP·w + (RX − YH)·w³.
    /// The addition (madd-2007-bl) reuses Z², H and R. When S = −T it is the vertical line, scaled by
    /// Z²: Z²·xP − X·w², and T becomes the point at infinity.
    /// </summary>
    internal static LineCoefficients Chord(ref JacobianPoint<Fq2> t, in AffinePoint<Fq2> s)
    {
        var zz = t.Z.Square();
        var zzz = zz * t.Z;
        var h = s.X * zz - t.X;
        var r = s.Y * zzz - t.Y;
        if (h.IsZero)
        {
            if (r.IsZero)
            {
                return Tangent(ref t);
            }
            var vertical = new LineCoefficients(zz, Fq2.Zero, -t.X, true);
            t = JacobianPoint<Fq2>.Infinity;
            return vertical;
        }
        var line = new LineCoefficients(zzz * h, -(r * zz), r * t.X - t.Y * h, false);
        t = t.AddFrom(zz, h, r);
        return line;
    }

    internal static AffinePoint<Fq2> TwistFrobenius(in AffinePoint<Fq2> q)
    {
        var g = Fq12.FrobeniusCoefficients;
        return AffinePoint<Fq2>.At(q.X.Conjugate() * g[2], q.Y.Conjugate() * g[3]);
    }

    // Width 4: 14 non-zero digits and three precomputed odd powers, 17 products per power against 27 in binary.
    private static readonly sbyte[] UDigits = SignedDigits.Compute(Curve.U, 4);

    private static Fq12 PowerOfU(Fq12 x) => x.CyclotomicPow(UDigits);

    /// <summary>f^((p¹² − 1)/r): the easy part (p⁶ − 1)(p² + 1), then the hard part (p⁴ − p² + 1)/r.</summary>
    public static Fq12 FinalExponentiation(in Fq12 f) => FinalExponentiation(f, PowerOfU);

    /// <summary>The same, with the powers of u computed by <paramref name="powerOfU"/> (see <see cref="PowersOfUPipeline"/>).</summary>
    public static Fq12 FinalExponentiation(in Fq12 f, Func<Fq12, Fq12> powerOfU)
    {
        var t = f.Conjugate() * f.Inverse();
        t = t.Frobenius().Frobenius() * t;
        return HardPart(t, powerOfU);
    }

    /// <summary>
    /// (p⁴ − p² + 1)/r by the addition chain in u of Scott et al. ("On the final exponentiation for
    /// calculating pairings on ordinary elliptic curves", 2009); after the easy part the value is in the
    /// cyclotomic subgroup, where conjugation is inversion and squaring has a cheaper form.
    /// </summary>
    internal static Fq12 HardPart(in Fq12 t1) => HardPart(t1, PowerOfU);

    private static Fq12 HardPart(in Fq12 t1, Func<Fq12, Fq12> powerOfU)
    {
        var fp = t1.Frobenius();
        var fp2 = fp.Frobenius();
        var fp3 = fp2.Frobenius();
        var fu = powerOfU(t1);
        var fu2 = powerOfU(fu);
        var fu3 = powerOfU(fu2);
        var y3 = fu.Frobenius().Conjugate();
        var fu2p = fu2.Frobenius();
        var fu3p = fu3.Frobenius();
        var y2 = fu2.Frobenius().Frobenius();
        var y0 = fp * fp2 * fp3;
        var y1 = t1.Conjugate();
        var y5 = fu2.Conjugate();
        var y4 = (fu * fu2p).Conjugate();
        var y6 = (fu3 * fu3p).Conjugate();

        var t0 = y6.CyclotomicSquare() * y4 * y5;
        var t = y3 * y5 * t0;
        t0 *= y2;
        t = t.CyclotomicSquare() * t0;
        t = t.CyclotomicSquare();
        t0 = t * y1;
        t *= y0;
        t0 = t0.CyclotomicSquare();
        return t0 * t;
    }
}
