using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// A point in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 at infinity) of a curve y² = x³ + b, for
/// additions without inversions. Formulas dbl-2009-l, add-2007-bl and madd-2007-bl (a = 0).
/// </summary>
internal readonly record struct JacobianPoint<T>(T X, T Y, T Z) where T : struct, IFieldElement<T>
{
    public static JacobianPoint<T> Infinity => new(T.One, T.One, T.Zero);

    public bool IsInfinity => Z.IsZero;

    public JacobianPoint<T> Double() => IsInfinity || Y.IsZero ? Infinity : DoubleFrom(X.Square(), Y.Square());

    /// <summary>
    /// 2·this given X² and Y² (dbl-2009-l); the Miller loop's tangent computes those for its line too.
    /// The new Z is 2YZ.
    /// </summary>
    internal JacobianPoint<T> DoubleFrom(in T xx, in T yy)
    {
        var yyyy = yy.Square();
        var xb = T.Add(X, yy);
        var d = T.Subtract(T.Subtract(xb.Square(), xx), yyyy);
        d = T.Add(d, d);
        var e = T.Add(T.Add(xx, xx), xx);
        var x3 = T.Subtract(e.Square(), T.Add(d, d));
        var c8 = T.Add(yyyy, yyyy);
        c8 = T.Add(c8, c8);
        c8 = T.Add(c8, c8);
        var y3 = T.Subtract(T.Multiply(e, T.Subtract(d, x3)), c8);
        var yz = T.Multiply(Y, Z);
        return new JacobianPoint<T>(x3, y3, T.Add(yz, yz));
    }

    public JacobianPoint<T> Add(in JacobianPoint<T> other)
    {
        if (IsInfinity)
        {
            return other;
        }
        if (other.IsInfinity)
        {
            return this;
        }
        var z1z1 = Z.Square();
        var z2z2 = other.Z.Square();
        var u1 = T.Multiply(X, z2z2);
        var u2 = T.Multiply(other.X, z1z1);
        var s1 = T.Multiply(T.Multiply(Y, other.Z), z2z2);
        var s2 = T.Multiply(T.Multiply(other.Y, Z), z1z1);
        var h = T.Subtract(u2, u1);
        var r = T.Subtract(s2, s1);
        if (h.IsZero)
        {
            return r.IsZero ? Double() : Infinity;
        }
        var i = T.Add(h, h).Square();
        var j = T.Multiply(h, i);
        r = T.Add(r, r);
        var v = T.Multiply(u1, i);
        var x3 = T.Subtract(T.Subtract(r.Square(), j), T.Add(v, v));
        var s1j = T.Multiply(s1, j);
        var y3 = T.Subtract(T.Multiply(r, T.Subtract(v, x3)), T.Add(s1j, s1j));
        var z3 = T.Multiply(T.Subtract(T.Subtract(T.Add(Z, other.Z).Square(), z1z1), z2z2), h);
        return new JacobianPoint<T>(x3, y3, z3);
    }

    /// <summary>This plus an affine point (Z = 1): seven products and four squarings instead of eleven and five.</summary>
    public JacobianPoint<T> Add(in AffinePoint<T> other)
    {
        if (other.IsInfinity)
        {
            return this;
        }
        if (IsInfinity)
        {
            return other.ToJacobian();
        }
        var z1z1 = Z.Square();
        var h = T.Subtract(T.Multiply(other.X, z1z1), X);
        var r = T.Subtract(T.Multiply(T.Multiply(other.Y, Z), z1z1), Y);
        if (h.IsZero)
        {
            return r.IsZero ? Double() : Infinity;
        }
        return AddFrom(z1z1, h, r);
    }

    /// <summary>
    /// This plus an affine point S given Z², H = xS·Z² − X ≠ 0 and R = yS·Z³ − Y (madd-2007-bl); the
    /// Miller loop's chord computes those for its line too.
    /// </summary>
    internal JacobianPoint<T> AddFrom(in T z1z1, in T h, in T r)
    {
        var hh = h.Square();
        var i = T.Add(hh, hh);
        i = T.Add(i, i);
        var j = T.Multiply(h, i);
        var rr = T.Add(r, r);
        var v = T.Multiply(X, i);
        var x3 = T.Subtract(T.Subtract(rr.Square(), j), T.Add(v, v));
        var yj = T.Multiply(Y, j);
        var y3 = T.Subtract(T.Multiply(rr, T.Subtract(v, x3)), T.Add(yj, yj));
        var z3 = T.Subtract(T.Subtract(T.Add(Z, h).Square(), z1z1), hh);
        return new JacobianPoint<T>(x3, y3, z3);
    }

    public JacobianPoint<T> Multiply(BigInteger scalar)
    {
        if (scalar.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scalar), "the scalar must not be negative");
        }
        var result = Infinity;
        for (var bit = (int)scalar.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = result.Double();
            if (!((scalar >> bit) & 1).IsZero)
            {
                result = result.Add(this);
            }
        }
        return result;
    }

    /// <summary>Many points to affine with one inversion (Montgomery's trick: three products per point).</summary>
    public static AffinePoint<T>[] ToAffine(ReadOnlySpan<JacobianPoint<T>> points)
    {
        var affine = new AffinePoint<T>[points.Length];
        var prefix = new T[points.Length]; // product of the non-zero Z before each point
        var running = T.One;
        for (var i = 0; i < points.Length; i++)
        {
            prefix[i] = running;
            if (!points[i].IsInfinity)
            {
                running = T.Multiply(running, points[i].Z);
            }
        }
        var inverse = running.Inverse(); // of the product of all Z still to be handled
        for (var i = points.Length - 1; i >= 0; i--)
        {
            if (points[i].IsInfinity)
            {
                affine[i] = AffinePoint<T>.Infinity;
                continue;
            }
            var zInverse = T.Multiply(inverse, prefix[i]);
            inverse = T.Multiply(inverse, points[i].Z);
            var zInverse2 = zInverse.Square();
            affine[i] = AffinePoint<T>.At(T.Multiply(points[i].X, zInverse2), T.Multiply(points[i].Y, T.Multiply(zInverse2, zInverse)));
        }
        return affine;
    }

    public AffinePoint<T> ToAffine()
    {
        if (IsInfinity)
        {
            return AffinePoint<T>.Infinity;
        }
        var zInverse = Z.Inverse();
        var zInverse2 = zInverse.Square();
        return AffinePoint<T>.At(T.Multiply(X, zInverse2), T.Multiply(Y, T.Multiply(zInverse2, zInverse)));
    }
}
