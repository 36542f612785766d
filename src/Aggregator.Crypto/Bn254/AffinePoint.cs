using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// A point of y² = x³ + b over the field <typeparamref name="T"/> in affine coordinates, or the point at
/// infinity. G1 is <c>AffinePoint&lt;Fq&gt;</c> (b = 3); G2 is <c>AffinePoint&lt;Fq2&gt;</c> on the twist (b = 3/ξ).
/// </summary>
internal readonly record struct AffinePoint<T>(T X, T Y, bool IsInfinity) where T : struct, IFieldElement<T>
{
    public static AffinePoint<T> Infinity => new(T.Zero, T.Zero, true);

    public static AffinePoint<T> At(T x, T y) => new(x, y, false);

    public AffinePoint<T> Negate() => IsInfinity ? this : new AffinePoint<T>(X, Y.Negate(), false);

    public bool IsOnCurve(T b) =>
        IsInfinity || T.Subtract(Y.Square(), T.Add(T.Multiply(X.Square(), X), b)).IsZero;

    public JacobianPoint<T> ToJacobian() => IsInfinity ? JacobianPoint<T>.Infinity : new JacobianPoint<T>(X, Y, T.One);

    /// <summary>k·P by double-and-add (the scalar is public: verification needs no constant time).</summary>
    public AffinePoint<T> Multiply(BigInteger scalar) => ToJacobian().Multiply(scalar).ToAffine();
}
