using System.Runtime.InteropServices;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Prover;

/// <summary>
/// k·P for a secret k (the prover's blinding r and s) with the same sequence of field operations and
/// memory accesses whatever k is: fixed 4-bit windows from the top, four doublings and one addition each,
/// the window's multiple read from a 16-entry table by scanning every entry under a mask, and the
/// complete projective formulas for a = 0 (Renes, Costello, Batina, "Complete addition formulas for prime
/// order elliptic curves", 2016, algorithms 7 and 9 for additions and doublings), which take the point at
/// infinity and equal points without a branch. The field product itself still ends in a data-dependent final subtraction.
/// </summary>
internal static class ConstantTimeMultiplication
{
    private const int WindowBits = 4;

    /// <param name="b3">3·b of the curve: 9 for G1, 3·b' for the twist.</param>
    public static JacobianPoint<T> Multiply<T>(in JacobianPoint<T> point, in Fr scalar, in T b3) where T : struct, IFieldElement<T>
    {
        // Jacobian (X, Y, Z) is the projective (X·Z : Y : Z³); infinity (Z = 0) becomes (0 : Y : 0).
        var zz = point.Z.Square();
        var p = new Projective<T>(T.Multiply(point.X, point.Z), point.Y, T.Multiply(zz, point.Z));
        var table = new Projective<T>[1 << WindowBits];
        table[0] = Projective<T>.Infinity;
        for (var i = 1; i < table.Length; i++)
        {
            table[i] = Add(table[i - 1], p, b3);
        }
        scalar.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        Span<ulong> limbs = [l0, l1, l2, l3];
        var sum = Projective<T>.Infinity;
        for (var window = 256 / WindowBits - 1; window >= 0; window--)
        {
            for (var i = 0; i < WindowBits; i++)
            {
                sum = Double(sum, b3);
            }
            var bit = window * WindowBits;
            var digit = (int)((limbs[bit >> 6] >> (bit & 63)) & ((1UL << WindowBits) - 1));
            sum = Add(sum, Select(table, digit), b3);
        }
        // Back to Jacobian: (X·Z, Y·Z², Z).
        var z2 = sum.Z.Square();
        return new JacobianPoint<T>(T.Multiply(sum.X, sum.Z), T.Multiply(sum.Y, z2), sum.Z);
    }

    // table[digit], reading every entry: each is kept or dropped by a mask computed without a branch.
    private static Projective<T> Select<T>(Projective<T>[] table, int digit) where T : struct, IFieldElement<T>
    {
        var chosen = default(Projective<T>);
        var into = MemoryMarshal.Cast<Projective<T>, ulong>(MemoryMarshal.CreateSpan(ref chosen, 1));
        for (var i = 0; i < table.Length; i++)
        {
            var mask = 0UL - (((uint)(i ^ digit) - 1) >> 31); // all ones when i == digit (both below 2^31)
            var entry = MemoryMarshal.Cast<Projective<T>, ulong>(table.AsSpan(i, 1));
            for (var w = 0; w < into.Length; w++)
            {
                into[w] |= entry[w] & mask;
            }
        }
        return chosen;
    }

    // Algorithm 7 of Renes–Costello–Batina: P + Q for any P, Q of y² = x³ + b, infinity and P = Q included.
    private static Projective<T> Add<T>(in Projective<T> p, in Projective<T> q, in T b3) where T : struct, IFieldElement<T>
    {
        var t0 = T.Multiply(p.X, q.X);
        var t1 = T.Multiply(p.Y, q.Y);
        var t2 = T.Multiply(p.Z, q.Z);
        var t3 = T.Multiply(T.Add(p.X, p.Y), T.Add(q.X, q.Y));
        var t4 = T.Add(t0, t1);
        t3 = T.Subtract(t3, t4);
        t4 = T.Multiply(T.Add(p.Y, p.Z), T.Add(q.Y, q.Z));
        var x3 = T.Add(t1, t2);
        t4 = T.Subtract(t4, x3);
        x3 = T.Multiply(T.Add(p.X, p.Z), T.Add(q.X, q.Z));
        var y3 = T.Subtract(x3, T.Add(t0, t2));
        t0 = T.Add(T.Add(t0, t0), t0);
        t2 = T.Multiply(b3, t2);
        var z3 = T.Add(t1, t2);
        t1 = T.Subtract(t1, t2);
        y3 = T.Multiply(b3, y3);
        x3 = T.Subtract(T.Multiply(t3, t1), T.Multiply(t4, y3));
        y3 = T.Add(T.Multiply(t1, z3), T.Multiply(y3, t0));
        z3 = T.Add(T.Multiply(z3, t4), T.Multiply(t0, t3));
        return new Projective<T>(x3, y3, z3);
    }

    // Algorithm 9 of the same paper: 2P for any P of y² = x³ + b, infinity included, without a branch; nine
    // products against fourteen for Add(P, P).
    private static Projective<T> Double<T>(in Projective<T> p, in T b3) where T : struct, IFieldElement<T>
    {
        var t0 = p.Y.Square();
        var eightY2 = T.Add(t0, t0);
        eightY2 = T.Add(eightY2, eightY2);
        eightY2 = T.Add(eightY2, eightY2);
        var t1 = T.Multiply(p.Y, p.Z);
        var t2 = T.Multiply(b3, p.Z.Square());
        var x3 = T.Multiply(t2, eightY2);
        var y3 = T.Add(t0, t2);
        var z3 = T.Multiply(t1, eightY2);
        t2 = T.Add(T.Add(t2, t2), t2);
        t0 = T.Subtract(t0, t2);
        y3 = T.Add(x3, T.Multiply(t0, y3));
        x3 = T.Multiply(t0, T.Multiply(p.X, p.Y));
        return new Projective<T>(T.Add(x3, x3), y3, z3);
    }

    /// <summary>x = X/Z, y = Y/Z; (0 : 1 : 0) is the point at infinity.</summary>
    private readonly record struct Projective<T>(T X, T Y, T Z) where T : struct, IFieldElement<T>
    {
        public static Projective<T> Infinity => new(T.Zero, T.One, T.Zero);
    }
}
