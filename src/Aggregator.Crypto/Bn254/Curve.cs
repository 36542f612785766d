using System.Globalization;
using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>The BN254 (alt_bn128) curve constants: y² = x³ + 3 over Fq, its twist over Fq2, the group order r.</summary>
internal static class Curve
{
    /// <summary>u, the BN parameter: p and r are polynomials in it.</summary>
    public static readonly BigInteger U = BigInteger.Parse("4965661367192848881", CultureInfo.InvariantCulture);

    /// <summary>r, the order of G1 and G2 (the scalar field).</summary>
    public static BigInteger Order => Fr.Modulus;

    public static Fq B { get; } = Fq.From(3);

    /// <summary>b' = 3/ξ, the coefficient of the D-type sextic twist y² = x³ + b' that carries G2.</summary>
    public static Fq2 TwistB { get; } = new Fq2(Fq.From(3), Fq.Zero) * Fq2.Xi.Inverse();

    /// <summary>3·b, which the complete addition formulas of the prover's constant-time products take.</summary>
    public static Fq B3 { get; } = Fq.From(9);

    /// <summary>3·b' for the twist.</summary>
    public static Fq2 TwistB3 { get; } = TwistB + TwistB + TwistB;

    public static AffinePoint<Fq> G1Generator { get; } = AffinePoint<Fq>.At(Fq.From(1), Fq.From(2));

    // u in width-2 non-adjacent form: 24 additions instead of 27 in the multiplication below.
    private static readonly sbyte[] UDigits = SignedDigits.Compute(U, 2);

    /// <summary>
    /// True when the twist point lies in the order-r subgroup G2 (the twist has other points). With ψ
    /// the untwist-Frobenius-twist endomorphism, Q is in G2 exactly when
    /// [u + 1]Q + ψ([u]Q) + ψ²([u]Q) = ψ³([2u]Q), which holds for BN254 because u mod 13 ≠ 4 and
    /// u mod 97 ≠ 92 (Dai, Lin, Zhao, Zhou, "Fast subgroup membership testings for G1, G2 and GT on
    /// pairing-friendly curves", 2022): one 63-bit multiplication, where ψ(Q) = [6u²]Q needs 128 bits.
    /// </summary>
    public static bool IsInG2Subgroup(in AffinePoint<Fq2> point)
    {
        if (point.IsInfinity)
        {
            return true;
        }
        var uQ = MultiplyBySignedDigits(point, UDigits).ToAffine();
        if (uQ.IsInfinity)
        {
            return false; // [u]Q = O with Q ≠ O: Q's order divides u < r, so it is not in G2
        }
        var left = point.ToJacobian().Add(uQ).Add(Psi(uQ)).Add(Psi(Psi(uQ))).ToAffine();
        var right = Psi(Psi(Psi(uQ.ToJacobian().Double().ToAffine())));
        return left == right;
    }

    private static AffinePoint<Fq2> Psi(in AffinePoint<Fq2> point) => point.IsInfinity ? point : Pairing.TwistFrobenius(point);

    private static JacobianPoint<Fq2> MultiplyBySignedDigits(in AffinePoint<Fq2> point, ReadOnlySpan<sbyte> digits)
    {
        var negated = point.Negate();
        var result = point.ToJacobian(); // the top digit is 1
        for (var i = digits.Length - 2; i >= 0; i--)
        {
            result = result.Double();
            if (digits[i] != 0)
            {
                result = result.Add(digits[i] > 0 ? point : negated);
            }
        }
        return result;
    }

    /// <summary>The definition, r·Q = O: slower, kept to check the fast test against.</summary>
    internal static bool IsInG2SubgroupByOrder(in AffinePoint<Fq2> point) => point.ToJacobian().Multiply(Order).IsInfinity;
}
