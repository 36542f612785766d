using System.Numerics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;

namespace Aggregator.Testing;

/// <summary>Points of the twist for the tests: G2's generator, and points outside G2 that must be refused.</summary>
internal static class TwistPoints
{
    /// <summary>G2's generator (EIP-197's).</summary>
    public static readonly AffinePoint<Fq2> G2Generator = AffinePoint<Fq2>.At(
        new Fq2(Fq.FromBigInteger(BigInteger.Parse("10857046999023057135944570762232829481370756359578518086990519993285655852781")),
                Fq.FromBigInteger(BigInteger.Parse("11559732032986387107991004021392285783925812861821192530917403151452391805634"))),
        new Fq2(Fq.FromBigInteger(BigInteger.Parse("8495653923123431417604973247489272438418190587263600148770280649306958101930")),
                Fq.FromBigInteger(BigInteger.Parse("4082367875863433681332203403145435568316851327593401208105741076214120093531"))));

    /// <summary>The first point with x = 1, 2, … on the twist: arbitrary points are almost never in G2 (the cofactor is about r).</summary>
    public static AffinePoint<Fq2> FirstWithSmallX() =>
        WithSmallX(1).FirstOrDefault() is { IsInfinity: false } point ? point : throw new InvalidOperationException("no twist point with a small x");

    /// <summary>The first <paramref name="count"/> twist points with x = 1, 2, … (x real).</summary>
    public static IEnumerable<AffinePoint<Fq2>> WithSmallX(int count)
    {
        for (ulong x = 1; x < 1000 && count > 0; x++)
        {
            var px = new Fq2(Fq.From(x), Fq.Zero);
            if (SquareRoot(px.Square() * px + Curve.TwistB) is { } y)
            {
                count--;
                yield return AffinePoint<Fq2>.At(px, y);
            }
        }
    }

    // Square root in Fq2 for p = 3 mod 4 (Adj and Rodriguez-Henriquez, algorithm 9), checked by squaring.
    private static Fq2? SquareRoot(Fq2 a)
    {
        var p = Fq.Modulus;
        var a1 = a.Pow((p - 3) / 4);
        var alpha = a1 * a1 * a;
        var x0 = a1 * a;
        var root = alpha == -Fq2.One ? new Fq2(Fq.Zero, Fq.One) * x0 : (Fq2.One + alpha).Pow((p - 1) / 2) * x0;
        return root.Square() == a ? root : null;
    }
}
