using System.Numerics;

namespace Aggregator.Proofs.Bn254;

/// <summary>
/// A point in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 at infinity) of a curve y² = x³ + b, for
/// additions without inversions. Formulas dbl-2009-l and add-2007-bl (a = 0).
/// </summary>
internal readonly record struct JacobianPoint<T>(T X, T Y, T Z) where T : struct, IFieldElement<T>
{
    public static JacobianPoint<T> Infinity => new(T.One, T.One, T.Zero);

    public bool IsInfinity => Z.IsZero;

    public JacobianPoint<T> Double()
    {
        if (IsInfinity || Y.IsZero)
        {
            return Infinity;
        }
        var a = X.Square();
        var b = Y.Square();
        var c = b.Square();
        var xb = T.Add(X, b);
        var d = T.Subtract(T.Subtract(xb.Square(), a), c);
        d = T.Add(d, d);
        var e = T.Add(T.Add(a, a), a);
        var f = e.Square();
        var x3 = T.Subtract(f, T.Add(d, d));
        var c8 = T.Add(c, c);
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
