using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// A point of y² = x³ + b over the field <typeparamref name="T"/> in affine coordinates, or the point at
/// infinity. G1 is <c>AffinePoint&lt;Fq&gt;</c> (b = 3); G2 is <c>AffinePoint&lt;Fq2&gt;</c> on the twist (b = 3/ξ).
/// The point at infinity is (0, 0), which is on neither curve (b ≠ 0): the encoding of snarkjs's keys and
/// of the EVM precompiles, so that a G1 point is exactly its key file's 64 bytes and a section of points
/// can be used where it is mapped.
/// </summary>
internal readonly record struct AffinePoint<T>(T X, T Y) where T : struct, IFieldElement<T>
{
    public static AffinePoint<T> Infinity => default;

    public bool IsInfinity => X.IsZero && Y.IsZero;

    /// <summary>The point (x, y); (0, 0) is the point at infinity.</summary>
    public static AffinePoint<T> At(T x, T y) => new(x, y);

    public AffinePoint<T> Negate() => IsInfinity ? this : new AffinePoint<T>(X, Y.Negate());

    public bool IsOnCurve(T b) =>
        IsInfinity || T.Subtract(Y.Square(), T.Add(T.Multiply(X.Square(), X), b)).IsZero;

    public JacobianPoint<T> ToJacobian() => IsInfinity ? JacobianPoint<T>.Infinity : new JacobianPoint<T>(X, Y, T.One);

    /// <summary>k·P by double-and-add (the scalar is public: verification needs no constant time).</summary>
    public AffinePoint<T> Multiply(BigInteger scalar) => ToJacobian().Multiply(scalar).ToAffine();
}
