using System.Numerics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Testing;

namespace Aggregator.Crypto.Tests.Bn254;

public class PairingTests
{
    private static readonly AffinePoint<Fq2> G2 = TwistPoints.G2Generator;

    private static readonly AffinePoint<Fq> G1 = Curve.G1Generator;

    [Fact]
    public void Generators_are_on_their_curves_and_of_order_r()
    {
        Assert.True(G1.IsOnCurve(Curve.B));
        Assert.True(G2.IsOnCurve(Curve.TwistB));
        Assert.True(G1.Multiply(Curve.Order).IsInfinity);
        Assert.True(Curve.IsInG2Subgroup(G2));
        Assert.True(Curve.IsInG2SubgroupByOrder(G2));
        Assert.True(Curve.IsInG2Subgroup(G2.Multiply(123456789)));
        Assert.False(G1.Multiply(Curve.Order - 1).IsInfinity);
    }

    [Fact]
    public void The_point_at_infinity_is_zero_zero_so_that_a_point_is_its_key_files_bytes()
    {
        Assert.True(AffinePoint<Fq>.At(Fq.Zero, Fq.Zero).IsInfinity);
        Assert.True(AffinePoint<Fq2>.At(Fq2.Zero, Fq2.Zero).IsInfinity);
        Assert.True(default(AffinePoint<Fq>).IsInfinity);
        // (0, y) and (x, 0) are points that are not at infinity (and not on the curve).
        Assert.False(AffinePoint<Fq>.At(Fq.Zero, Fq.One).IsInfinity);
        Assert.False(AffinePoint<Fq>.At(Fq.One, Fq.Zero).IsInfinity);
        Assert.False(AffinePoint<Fq>.At(Fq.One, Fq.Zero).IsOnCurve(Curve.B));
        Assert.Equal(64, System.Runtime.CompilerServices.Unsafe.SizeOf<AffinePoint<Fq>>());
        Assert.Equal(128, System.Runtime.CompilerServices.Unsafe.SizeOf<AffinePoint<Fq2>>());
        Assert.Equal(AffinePoint<Fq>.Infinity, G1.Negate().ToJacobian().Add(G1).ToAffine());
    }

    [Fact]
    public void Fixed_base_multiplication_equals_double_and_add()
    {
        var table = new FixedBaseTable(G1.Multiply(7));
        var random = new Random(5);
        var bytes = new byte[32];
        foreach (var scalar in new[] { BigInteger.Zero, BigInteger.One, new BigInteger(15), new BigInteger(16), Curve.Order - 1, (BigInteger.One << 256) - 1 })
        {
            Assert.Equal(G1.Multiply(7).Multiply(scalar), table.Multiply(scalar).ToAffine());
        }
        for (var i = 0; i < 20; i++)
        {
            random.NextBytes(bytes);
            var scalar = new BigInteger(bytes, isUnsigned: true);
            Assert.Equal(G1.Multiply(7).Multiply(scalar), table.Multiply(scalar).ToAffine());
        }
    }

    [Fact]
    public void Mixed_addition_and_batch_normalization_match_the_general_formulas()
    {
        var p = G1.Multiply(3);
        var q = G1.Multiply(10);
        var jacobian = G1.Multiply(5).ToJacobian().Add(G1.Multiply(2).ToJacobian()); // Z ≠ 1
        Assert.Equal(jacobian.Add(q.ToJacobian()).ToAffine(), jacobian.Add(q).ToAffine());
        Assert.Equal(G1.Multiply(14), jacobian.Add(G1.Multiply(7)).ToAffine()); // doubling case
        Assert.True(jacobian.Add(G1.Multiply(7).Negate()).IsInfinity);
        Assert.Equal(p, JacobianPoint<Fq>.Infinity.Add(p).ToAffine());
        Assert.Equal(jacobian.ToAffine(), jacobian.Add(AffinePoint<Fq>.Infinity).ToAffine());
        JacobianPoint<Fq>[] points = [jacobian, JacobianPoint<Fq>.Infinity, p.ToJacobian(), jacobian.Double()];
        Assert.Equal(points.Select(point => point.ToAffine()), JacobianPoint<Fq>.ToAffine(points));
    }

    [Fact]
    public void Field_inverse_is_the_inverse()
    {
        var random = new Random(9);
        for (var i = 0; i < 200; i++)
        {
            var x = Fq.FromBigInteger(BelowP(random));
            if (!x.IsZero)
            {
                Assert.Equal(Fq.One, x * x.Inverse());
            }
        }
        Assert.Equal(Fq.One, Fq.One.Inverse());
        Assert.Throws<DivideByZeroException>(() => Fq.Zero.Inverse());
    }

    [Fact]
    public void Small_multiple_plus_addend_matches_integer_arithmetic_at_the_edges_and_at_random()
    {
        var p = Fq.Modulus;
        var edges = new[] { BigInteger.Zero, BigInteger.One, p - 1, p - 2, (p - 1) / 2, p / 9, p / 9 + 1, (BigInteger.One << 253) - 1 };
        var random = new Random(11);
        var values = edges.Concat(Enumerable.Range(0, 300).Select(_ => BelowP(random))).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            var a = values[i];
            var b = values[(i * 7 + 3) % values.Length];
            foreach (var k in new ulong[] { 0, 1, 2, 9, 15 })
            {
                Assert.Equal((k * a + b) % p, Fq.MultiplySmallAdd(Fq.FromBigInteger(a), k, Fq.FromBigInteger(b)).ToBigInteger());
            }
        }
    }

    [Fact]
    public void Lazily_reduced_products_match_integer_arithmetic_at_the_largest_values()
    {
        var p = Fq.Modulus;
        var random = new Random(13);
        BigInteger Next(int i) => i switch
        {
            0 => p - 1,
            1 => p - 2,
            2 => BigInteger.Zero,
            _ => BelowP(random),
        };
        (BigInteger, BigInteger) Product((BigInteger A, BigInteger B) x, (BigInteger A, BigInteger B) y) =>
            (x.A * y.A - x.B * y.B, x.A * y.B + x.B * y.A);
        Fq2 ToFq2((BigInteger A, BigInteger B) x) => new(Fq.FromBigInteger(x.A), Fq.FromBigInteger(x.B));
        for (var round = 0; round < 60; round++)
        {
            // Rounds 0..2 use one extreme value everywhere (p − 1 makes every product and sum largest).
            var values = Enumerable.Range(0, 6).Select(_ => (Next(round), Next(round < 3 ? round : 3))).ToArray();
            var expected = values.Chunk(2).Select(pair => Product(pair[0], pair[1])).Aggregate((BigInteger.Zero, BigInteger.Zero), (sum, x) => (sum.Item1 + x.Item1, sum.Item2 + x.Item2));
            var sum = Fq2.SumOfProducts(ToFq2(values[0]), ToFq2(values[1]), ToFq2(values[2]), ToFq2(values[3]), ToFq2(values[4]), ToFq2(values[5]));
            Assert.Equal(((expected.Item1 % p + p) % p, expected.Item2 % p), (sum.C0.ToBigInteger(), sum.C1.ToBigInteger()));
            var single = ToFq2(values[0]) * ToFq2(values[1]);
            var (real, imaginary) = Product(values[0], values[1]);
            Assert.Equal(((real % p + p) % p, imaginary % p), (single.C0.ToBigInteger(), single.C1.ToBigInteger()));
        }
    }

    [Fact]
    public void Wide_reduction_is_exact_up_to_its_bound_of_six_q_squared()
    {
        var p = Fq.Modulus;
        var rInverse = BigInteger.ModPow(BigInteger.One << 256, p - 2, p);
        var bound = 6 * p * p;
        var random = new Random(15);
        var bytes = new byte[64];
        var hitsSecondSubtraction = 0;
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            // Mostly just under the bound, where the quotient can exceed 2q before the final subtractions.
            var t = i < 1500 ? bound - 1 - new BigInteger(bytes, isUnsigned: true) % (bound / 8) : new BigInteger(bytes, isUnsigned: true) % bound;
            var wide = new WideLimbs(
                (ulong)(t & ulong.MaxValue), (ulong)((t >> 64) & ulong.MaxValue), (ulong)((t >> 128) & ulong.MaxValue), (ulong)((t >> 192) & ulong.MaxValue),
                (ulong)((t >> 256) & ulong.MaxValue), (ulong)((t >> 320) & ulong.MaxValue), (ulong)((t >> 384) & ulong.MaxValue), (ulong)(t >> 448));
            Assert.Equal(t * rInverse % p, Montgomery<FqModulus>.Reduce(wide).ToBigInteger());
            var m = MontgomeryQuotient(t, p);
            if ((t + m * p) >> 256 >= 2 * p)
            {
                hitsSecondSubtraction++;
            }
        }
        Assert.True(hitsSecondSubtraction > 0, "no case needed the second subtraction");
    }

    // A value below p from 40 random bytes (the bias of the reduction does not matter here).
    private static BigInteger BelowP(Random random)
    {
        var bytes = new byte[40];
        random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) % Fq.Modulus;
    }

    // The m of Montgomery reduction, m = −t·p⁻¹ mod 2^256, so that t + m·p is divisible by 2^256.
    private static BigInteger MontgomeryQuotient(BigInteger t, BigInteger p)
    {
        var r = BigInteger.One << 256;
        var pInverse = BigInteger.ModPow(p, r / 2 - 1, r); // p odd: p^(2^255 − 1) = p⁻¹ mod 2^256
        return (r - t % r * pInverse % r) % r;
    }

    [Fact]
    public void Fq6_products_match_the_schoolbook_definition()
    {
        var random = new Random(14);
        Fq2 Next()
        {
            var a = BelowP(random);
            return new Fq2(Fq.FromBigInteger(a), Fq.FromBigInteger(BelowP(random)));
        }
        var largest = new Fq2(Fq.FromBigInteger(Fq.Modulus - 1), Fq.FromBigInteger(Fq.Modulus - 1));
        for (var i = 0; i < 50; i++)
        {
            var a = i == 0 ? new Fq6(largest, largest, largest) : new Fq6(Next(), Next(), Next());
            var b = i == 0 ? a : new Fq6(Next(), Next(), Next());
            // (a0 + a1v + a2v²)(b0 + b1v + b2v²) with v³ = ξ, term by term.
            var c0 = a.C0 * b.C0 + (a.C1 * b.C2 + a.C2 * b.C1).MultiplyByXi();
            var c1 = a.C0 * b.C1 + a.C1 * b.C0 + (a.C2 * b.C2).MultiplyByXi();
            var c2 = a.C0 * b.C2 + a.C1 * b.C1 + a.C2 * b.C0;
            Assert.Equal(new Fq6(c0, c1, c2), a * b);
            Assert.Equal(a * new Fq6(b.C0, b.C1, Fq2.Zero), a.MultiplyBy01(b.C0, b.C1));
        }
    }

    [Fact]
    public void Multiplying_by_xi_is_multiplying_by_nine_plus_u()
    {
        var random = new Random(12);
        for (var i = 0; i < 100; i++)
        {
            var x = new Fq2(Fq.FromBigInteger(BelowP(random)), Fq.FromBigInteger(i == 0 ? Fq.Modulus - 1 : BelowP(random)));
            Assert.Equal(x * Fq2.Xi, x.MultiplyByXi());
        }
    }

    [Fact]
    public void Pairing_is_non_degenerate_and_of_order_r()
    {
        var e = Pairing.Pair(G1, G2);
        Assert.False(e.IsOne);
        Assert.True(e.Pow(Curve.Order).IsOne);
    }

    [Fact]
    public void Pairing_is_bilinear()
    {
        var a = new BigInteger(123456789);
        var b = BigInteger.Parse("98765432109876543210");
        var e = Pairing.Pair(G1, G2);
        Assert.Equal(e.Pow(a * b), Pairing.Pair(G1.Multiply(a), G2.Multiply(b)));
        Assert.Equal(Pairing.Pair(G1.Multiply(a * b), G2), Pairing.Pair(G1, G2.Multiply(a * b)));
    }

    [Fact]
    public void Product_of_a_pairing_and_its_inverse_is_one()
    {
        var p = G1.Multiply(77);
        (AffinePoint<Fq>, AffinePoint<Fq2>)[] balanced = [(p, G2), (p.Negate(), G2)];
        (AffinePoint<Fq>, AffinePoint<Fq2>)[] unbalanced = [(p, G2), (p, G2)];
        Assert.True(Pairing.ProductIsOne(balanced));
        Assert.False(Pairing.ProductIsOne(unbalanced));
    }

    [Fact]
    public void Normalized_lines_give_the_same_pairing()
    {
        var q = G2.Multiply(31);
        var normalized = PreparedG2.PrepareNormalized(q);
        var plain = PreparedG2.Prepare(q);
        Assert.True(normalized.IsNormalized);
        Assert.All(normalized.Lines, line => Assert.Equal(Fq2.One, line.A));
        var p1 = G1.Multiply(5);
        var p2 = G1.Multiply(1234567);
        var expected = Pairing.FinalExponentiation(Pairing.MillerLoop([(p1, plain), (p2, PreparedG2.Prepare(G2))]));
        var mixed = Pairing.FinalExponentiation(Pairing.MillerLoop([(p1, normalized), (p2, PreparedG2.Prepare(G2))]));
        Assert.Equal(expected, mixed);
        Assert.Equal(Pairing.Pair(G1, G2).Pow(5 * 31), Pairing.FinalExponentiation(Pairing.MillerLoop([(p1, normalized)])));
        // The Miller values differ (by factors in Fq and Fq2); only the exponentiated ones agree.
        Assert.NotEqual(Pairing.MillerLoop([(p1, plain)]), Pairing.MillerLoop([(p1, normalized)]));
    }

    [Fact]
    public void The_hard_part_chain_equals_the_plain_exponent()
    {
        var p = Fq.Modulus;
        var f = Pairing.MillerLoop(G1, G2);
        var easy = f.Conjugate() * f.Inverse();
        easy = easy.Frobenius().Frobenius() * easy;
        var exponent = (BigInteger.Pow(p, 4) - BigInteger.Pow(p, 2) + 1) / Curve.Order;
        Assert.Equal(easy.Pow(exponent), Pairing.HardPart(easy));
    }

    [Fact]
    public void Cyclotomic_squaring_equals_squaring_after_the_easy_part()
    {
        var f = Pairing.MillerLoop(G1.Multiply(11), G2);
        var easy = f.Conjugate() * f.Inverse();
        easy = easy.Frobenius().Frobenius() * easy;
        Assert.Equal(easy.Square(), easy.CyclotomicSquare());
        foreach (var width in new[] { 2, 3, 4, 5 })
        {
            Assert.Equal(easy.Pow(Curve.U), easy.CyclotomicPow(SignedDigits.Compute(Curve.U, width)));
        }
        foreach (var exponent in new BigInteger[] { 1, 2, 3, 7, 8, 255, BigInteger.Parse("340282366920938463463374607431768211457") })
        {
            Assert.Equal(easy.Pow(exponent), easy.CyclotomicPow(SignedDigits.Compute(exponent, 4)));
        }
        Assert.NotEqual(f.Square(), f.CyclotomicSquare()); // only valid in the subgroup
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void Signed_digits_sum_to_the_value_and_are_sparse(int width)
    {
        foreach (var value in new[] { BigInteger.One, new BigInteger(6), Curve.U, 6 * Curve.U + 2, Fq.Modulus })
        {
            var digits = SignedDigits.Compute(value, width);
            var sum = BigInteger.Zero;
            for (var i = digits.Length - 1; i >= 0; i--)
            {
                sum = 2 * sum + digits[i];
                Assert.True(digits[i] == 0 || (Math.Abs((int)digits[i]) % 2 == 1 && Math.Abs((int)digits[i]) < 1 << (width - 1)));
            }
            Assert.Equal(value, sum);
            for (var i = 0; i < digits.Length; i++)
            {
                Assert.True(digits[i] == 0 || digits.Skip(i + 1).Take(width - 1).All(d => d == 0), $"digits within {width} of each other at {i}");
            }
        }
        Assert.Equal(14, SignedDigits.Compute(Curve.U, 4).Count(d => d != 0));
        Assert.Equal(22, SignedDigits.Compute(6 * Curve.U + 2, 2).Count(d => d != 0));
    }

    [Fact]
    public void Frobenius_is_the_p_th_power()
    {
        var f = Pairing.MillerLoop(G1.Multiply(5), G2);
        Assert.Equal(f.Pow(Fq.Modulus), f.Frobenius());
    }

    [Fact]
    public void A_twist_point_outside_the_subgroup_is_detected()
    {
        var point = TwistPoints.FirstWithSmallX();
        Assert.True(point.IsOnCurve(Curve.TwistB));
        Assert.False(Curve.IsInG2Subgroup(point));
        Assert.False(Curve.IsInG2SubgroupByOrder(point));
        // Clearing the cofactor 2p - r lands in G2: both tests must then agree that it is there.
        var cleared = point.Multiply(2 * Fq.Modulus - Curve.Order);
        Assert.True(Curve.IsInG2SubgroupByOrder(cleared));
        Assert.True(Curve.IsInG2Subgroup(cleared));
        Assert.False(Curve.IsInG2Subgroup(point.Multiply(Curve.Order)));
    }

    [Fact]
    public void The_fast_subgroup_test_agrees_with_the_definition_on_every_kind_of_twist_point()
    {
        // The twist has r·(2p − r) points and 2p − r = 10069·c: try points with a component of each
        // order (r only, 10069, c, mixed) and compare with r·Q = O.
        var cofactor = 2 * Fq.Modulus - Curve.Order;
        var points = TwistPoints.WithSmallX(12).ToArray();
        Assert.Equal(12, points.Length);
        var checkedPoints = 0;
        foreach (var point in points)
        {
            foreach (var scalar in new[] { BigInteger.One, Curve.Order, cofactor, cofactor / 10069, Curve.Order * (cofactor / 10069), Curve.Order * 10069, 6 * Curve.U * Curve.U })
            {
                var candidate = point.Multiply(scalar);
                Assert.Equal(Curve.IsInG2SubgroupByOrder(candidate), Curve.IsInG2Subgroup(candidate));
                checkedPoints++;
            }
        }
        Assert.True(Curve.IsInG2Subgroup(points[0].Multiply(cofactor)));
        Assert.False(Curve.IsInG2Subgroup(points[0].Multiply(Curve.Order * (cofactor / 10069))));
        Assert.Equal(84, checkedPoints);
    }
}
