using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// A Miller-loop line on the twist, independent of the G1 point, scaled by a factor in Fq2 (which the
/// final exponentiation removes) so that no inversion is needed: its value at P is
/// A·yP + B·xP·w + C·w³, or for a vertical line A·xP + C·w² (w² = v). Untwisting is (x, y) ↦ (x·w², y·w³).
/// </summary>
internal readonly record struct LineCoefficients(Fq2 A, Fq2 B, Fq2 C, bool IsVertical)
{
    /// <summary>
    /// The same line scaled to A = 1 (by 1/A, a factor in Fq2 that the final exponentiation removes); a
    /// vertical line stays as it is.
    /// </summary>
    public LineCoefficients Normalized()
    {
        if (IsVertical)
        {
            return this;
        }
        var inverse = A.Inverse();
        return new LineCoefficients(Fq2.One, B * inverse, C * inverse, false);
    }

    /// <summary>
    /// f times the value at P of a normalized line (A = 1), itself divided by yP (a factor in Fq, which
    /// the final exponentiation removes): 1 + B·(xP/yP)·w + C·(1/yP)·w³. The sparser line saves three of
    /// the product's thirteen Fq2 multiplications.
    /// </summary>
    public Fq12 MultiplyNormalizedInto(in Fq12 f, in Fq xOverY, in Fq inverseY) =>
        f.MultiplyByNormalizedLine(B * xOverY, C * inverseY);

    /// <summary>f times the line's value at P.</summary>
    public Fq12 MultiplyInto(in Fq12 f, in AffinePoint<Fq> p) =>
        IsVertical ? f * At(p) : f.MultiplyByLine(A * p.Y, B * p.X, C);

    public Fq12 At(in AffinePoint<Fq> p) => IsVertical
        ? new Fq12(new Fq6(A * p.X, C, Fq2.Zero), Fq6.Zero)
        : new Fq12(new Fq6(A * p.Y, Fq2.Zero, Fq2.Zero), new Fq6(B * p.X, C, Fq2.Zero));
}
