using System.Numerics;

namespace Aggregator.Proofs.Bn254;

/// <summary>
/// The optimal ate pairing on BN254: a Miller loop over 6u + 2 with lines evaluated in affine
/// coordinates on the twist, two Frobenius-twisted additions, then the final exponentiation to the
/// power (p¹² − 1)/r. Verification multiplies several Miller loops and exponentiates once.
/// </summary>
internal static class Pairing
{
    private static readonly BigInteger AteLoopCount = 6 * Curve.U + 2;

    /// <summary>e(P, Q) for P in G1 and Q in G2.</summary>
    public static Fq12 Pair(in AffinePoint<Fq> p, in AffinePoint<Fq2> q) => FinalExponentiation(MillerLoop(p, q));

    /// <summary>True when Π e(Pᵢ, Qᵢ) = 1.</summary>
    public static bool ProductIsOne(ReadOnlySpan<(AffinePoint<Fq> P, AffinePoint<Fq2> Q)> pairs)
    {
        var f = Fq12.One;
        foreach (var (p, q) in pairs)
        {
            f *= MillerLoop(p, q);
        }
        return FinalExponentiation(f).IsOne;
    }

    public static Fq12 MillerLoop(in AffinePoint<Fq> p, in AffinePoint<Fq2> q)
    {
        if (p.IsInfinity || q.IsInfinity)
        {
            return Fq12.One;
        }
        var t = q;
        var f = Fq12.One;
        for (var bit = (int)AteLoopCount.GetBitLength() - 2; bit >= 0; bit--)
        {
            f = f.Square() * Line(ref t, t, p);
            if (!((AteLoopCount >> bit) & 1).IsZero)
            {
                f *= Line(ref t, q, p);
            }
        }
        var q1 = TwistFrobenius(q);
        var q2 = TwistFrobenius(q1).Negate();
        f *= Line(ref t, q1, p);
        f *= Line(ref t, q2, p);
        return f;
    }

    /// <summary>
    /// The line through T and S (the tangent when S = T) evaluated at P, and T ← T + S. On the twist the
    /// slope is λ = (yS − yT)/(xS − xT) or 3xT²/(2yT); untwisted by (x, y) ↦ (x·w², y·w³) the line at P is
    /// yP − λ·xP·w + (λ·xT − yT)·w³.
    /// </summary>
    private static Fq12 Line(ref AffinePoint<Fq2> t, in AffinePoint<Fq2> s, in AffinePoint<Fq> p)
    {
        Fq2 lambda;
        if (t.X == s.X)
        {
            if (t.Y != s.Y || t.Y.IsZero)
            {
                // T = −S: the vertical line x − xT, and T becomes the point at infinity.
                var vertical = new Fq12(new Fq6(new Fq2(p.X, Fq.Zero), -t.X, Fq2.Zero), Fq6.Zero);
                t = AffinePoint<Fq2>.Infinity;
                return vertical;
            }
            var xx = t.X.Square();
            lambda = (xx + xx + xx) * t.Y.Double().Inverse();
        }
        else
        {
            lambda = (s.Y - t.Y) * (s.X - t.X).Inverse();
        }
        var x3 = lambda.Square() - t.X - s.X;
        var y3 = lambda * (t.X - x3) - t.Y;
        var line = new Fq12(
            new Fq6(new Fq2(p.Y, Fq.Zero), Fq2.Zero, Fq2.Zero),
            new Fq6(-(lambda * p.X), lambda * t.X - t.Y, Fq2.Zero));
        t = AffinePoint<Fq2>.At(x3, y3);
        return line;
    }

    // π(Q) on the twist: the p-power Frobenius of the untwisted point, twisted back.
    private static AffinePoint<Fq2> TwistFrobenius(in AffinePoint<Fq2> q)
    {
        var g = Fq12.FrobeniusCoefficients;
        return AffinePoint<Fq2>.At(q.X.Conjugate() * g[2], q.Y.Conjugate() * g[3]);
    }

    /// <summary>f^((p¹² − 1)/r): the easy part (p⁶ − 1)(p² + 1), then the hard part (p⁴ − p² + 1)/r.</summary>
    public static Fq12 FinalExponentiation(in Fq12 f)
    {
        var t = f.Conjugate() * f.Inverse();
        t = t.Frobenius().Frobenius() * t;
        return HardPart(t);
    }

    /// <summary>
    /// (p⁴ − p² + 1)/r by the addition chain in u of Scott et al. ("On the final exponentiation for
    /// calculating pairings on ordinary elliptic curves", 2009); after the easy part, conjugation is inversion.
    /// </summary>
    internal static Fq12 HardPart(in Fq12 t1)
    {
        var fp = t1.Frobenius();
        var fp2 = fp.Frobenius();
        var fp3 = fp2.Frobenius();
        var fu = t1.Pow(Curve.U);
        var fu2 = fu.Pow(Curve.U);
        var fu3 = fu2.Pow(Curve.U);
        var y3 = fu.Frobenius().Conjugate();
        var fu2p = fu2.Frobenius();
        var fu3p = fu3.Frobenius();
        var y2 = fu2.Frobenius().Frobenius();
        var y0 = fp * fp2 * fp3;
        var y1 = t1.Conjugate();
        var y5 = fu2.Conjugate();
        var y4 = (fu * fu2p).Conjugate();
        var y6 = (fu3 * fu3p).Conjugate();

        var t0 = y6.Square() * y4 * y5;
        var t = y3 * y5 * t0;
        t0 *= y2;
        t = t.Square() * t0;
        t = t.Square();
        t0 = t * y1;
        t *= y0;
        t0 = t0.Square();
        return t0 * t;
    }
}
