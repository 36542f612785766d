using System.Globalization;
using System.Numerics;
using Aggregator.Proofs.Field;

namespace Aggregator.Proofs.Bn254;

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

    public static AffinePoint<Fq> G1Generator { get; } = AffinePoint<Fq>.At(Fq.From(1), Fq.From(2));

    /// <summary>6u², which equals p modulo r: the eigenvalue of the twisted Frobenius ψ on G2.</summary>
    private static readonly BigInteger SixUSquared = 6 * U * U;

    /// <summary>
    /// True when the twist point lies in the order-r subgroup G2 (the twist has other points). On G2, ψ
    /// acts as multiplication by p ≡ 6u² (mod r), and for BN curves ψ(Q) = [6u²]Q holds for no other
    /// point of the twist (El Housni, Guillevic, Piellard 2022): a 128-bit multiplication instead of r·Q.
    /// </summary>
    public static bool IsInG2Subgroup(in AffinePoint<Fq2> point)
    {
        if (point.IsInfinity)
        {
            return true;
        }
        var scaled = point.ToJacobian().Multiply(SixUSquared).ToAffine();
        return scaled == Pairing.TwistFrobenius(point);
    }

    /// <summary>The definition, r·Q = O: slower, kept to check the fast test against.</summary>
    internal static bool IsInG2SubgroupByOrder(in AffinePoint<Fq2> point) => point.ToJacobian().Multiply(Order).IsInfinity;
}
