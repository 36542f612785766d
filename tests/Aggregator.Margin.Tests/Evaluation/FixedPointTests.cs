using System.Numerics;
using Aggregator.Margin.Evaluation;

namespace Aggregator.Margin.Tests.Evaluation;

/// <summary>
/// The fixed point margin is computed in (docs/margin.md, "Fixed point"): exact products, rounding only
/// where a number becomes fixed-point and toward the safe side, decimals reported truncated, and
/// overflow refused, each held to BigInteger arithmetic.
/// </summary>
public class FixedPointTests
{
    private static readonly BigInteger Scale36 = BigInteger.Pow(10, 36);
    private static readonly QuoteValue Smallest = QuoteValue.Product(UInt128.One, UInt128.One); // 10^-36

    [Fact]
    public void A_product_of_amount_and_price_is_exact()
    {
        // 1.5 ETH at 2,000.5: 3,000.75; 10^-18 of a unit at 10^-18: 10^-36, below decimal's digits.
        Assert.Equal(3000.75m, QuoteValue.Product(FixedPoint.FromDecimal(1.5m, up: false), FixedPoint.FromDecimal(2000.5m, up: false)).ToDecimal());
        Assert.Equal(0m, Smallest.ToDecimal());
        Assert.NotEqual(QuoteValue.Zero, Smallest);
    }

    [Fact]
    public void Random_products_and_sums_match_BigInteger_and_their_decimals_are_truncated_as_far_as_decimal_holds()
    {
        var random = new Random(26);
        for (var i = 0; i < 2000; i++)
        {
            var a = RandomUInt128(random, random.Next(1, 110));
            var b = RandomUInt128(random, random.Next(1, 100));
            var c = RandomUInt128(random, random.Next(1, 110));
            var d = RandomUInt128(random, random.Next(1, 100));
            var value = QuoteValue.Product(a, b) - QuoteValue.Product(c, d);
            var exact = ((BigInteger)a * (BigInteger)b) - ((BigInteger)c * (BigInteger)d);
            Assert.Equal(exact, value.ToBigInteger());
            Assert.Equal(exact * 1_000_000_007, value.Times(1_000_000_007).ToBigInteger());
            Assert.Equal(exact.Sign < 0, value.IsNegative);
            decimal reported;
            try
            {
                reported = value.ToDecimal();
            }
            catch (OverflowException)
            {
                Assert.True(BigInteger.Abs(exact) / Scale36 >= BigInteger.Pow(2, 96), $"{exact} fits decimal");
                continue;
            }
            // The decimal is the exact value truncated toward zero, with all the digits 96 bits allow.
            var bits = decimal.GetBits(reported);
            var scale = (bits[3] >> 16) & 0xFF;
            var mantissa = new BigInteger((uint)bits[0]) | new BigInteger((uint)bits[1]) << 32 | new BigInteger((uint)bits[2]) << 64;
            var magnitude = BigInteger.Abs(exact);
            var shown = mantissa * BigInteger.Pow(10, 36 - scale);
            Assert.True(shown <= magnitude && magnitude - shown < BigInteger.Pow(10, 36 - scale), $"{exact}: {reported}");
            var nextDigit = scale == 28 ? 0 : (magnitude - shown) * 10 / BigInteger.Pow(10, 36 - scale);
            Assert.True(nextDigit == 0 || mantissa * 10 + nextDigit >= BigInteger.Pow(2, 96), $"{exact}: {reported} could hold a digit more");
            Assert.True(scale == 0 || mantissa % 10 != 0, $"{reported} has a trailing zero");
            Assert.Equal(exact.Sign < 0 && mantissa != 0, reported < 0);
        }
    }

    [Fact]
    public void Carries_across_every_limb_keep_a_times_b_minus_a_times_c_equal_to_a_times_b_minus_c()
    {
        UInt128[] edges = [ulong.MaxValue, (UInt128)ulong.MaxValue + 1, UInt128.MaxValue >> 2, UInt128.MaxValue >> 1, UInt128.MaxValue];
        var random = new Random(5);
        foreach (var a in edges)
        {
            foreach (var b in edges)
            {
                if ((BigInteger)a * (BigInteger)b >= BigInteger.One << 255)
                {
                    Assert.Throws<OverflowException>(() => QuoteValue.Product(a, b));
                    continue;
                }
                Assert.Equal((BigInteger)a * (BigInteger)b, QuoteValue.Product(a, b).ToBigInteger());
                var small = (UInt128)(ulong)random.NextInt64(1, long.MaxValue);
                var c = b - small;
                // a·b − a·c = a·(b − c): the left side crosses every limb, the right fits decimal.
                var difference = QuoteValue.Product(a, b) - QuoteValue.Product(a, c);
                Assert.Equal(QuoteValue.Product(a, small), difference);
                Assert.Equal(QuoteValue.Zero, difference - QuoteValue.Product(a, small));
            }
        }
    }

    [Fact]
    public void Amounts_past_18_decimals_round_down_for_collateral_and_up_for_debt()
    {
        // An asset of 24 decimals: 1,500,001 base units are 1.500001 · 10^-18 whole units.
        Assert.Equal((UInt128)1, FixedPoint.Amount(1_500_001, 24, up: false));
        Assert.Equal((UInt128)2, FixedPoint.Amount(1_500_001, 24, up: true));
        Assert.Equal((UInt128)2, FixedPoint.Amount(2_000_000, 24, up: true));
        // 18 decimals and fewer are exact: 1 satoshi is 10^10 · 10^-18 BTC.
        Assert.Equal((UInt128)10_000_000_000, FixedPoint.Amount(1, 8, up: false));
        // Far past the width, a part of a unit: nothing held, one unit owed.
        Assert.Equal(UInt128.Zero, FixedPoint.Amount(UInt128.MaxValue, 60, up: false));
        Assert.Equal(UInt128.One, FixedPoint.Amount(UInt128.MaxValue, 60, up: true));
        Assert.Throws<OverflowException>(() => FixedPoint.Amount(UInt128.MaxValue, 6, up: false));
    }

    [Fact]
    public void Decimals_past_18_places_round_toward_the_side_asked()
    {
        Assert.Equal((UInt128)0, FixedPoint.FromDecimal(0.00000000000000000015m, up: false));
        Assert.Equal((UInt128)1, FixedPoint.FromDecimal(0.00000000000000000015m, up: true));
        Assert.Equal((Int128)(-1), FixedPoint.Signed(-0.00000000000000000015m, up: false));
        Assert.Equal((Int128)0, FixedPoint.Signed(-0.00000000000000000015m, up: true));
        Assert.Equal((Int128)2_000_500_000_000_000_000 * 1000, FixedPoint.Signed(2000.5m, up: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPoint.FromDecimal(-1m, up: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPoint.Fraction(1.01m));
        // A threshold is rounded up, so it is crossed no later than the decimal one.
        Assert.Equal(1_100_000_001UL, FixedPoint.Threshold(1.1000000001m));
    }

    [Fact]
    public void A_fraction_of_an_amount_is_rounded_down_and_exact_where_it_can_be()
    {
        Assert.Equal((UInt128)980_000_000_000_000_000, FixedPoint.TimesFraction(FixedPoint.One, FixedPoint.Fraction(0.98m)));
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var x = RandomUInt128(random, random.Next(1, 128));
            var fraction = (ulong)random.NextInt64(0, (long)FixedPoint.One + 1);
            Assert.Equal((UInt128)((BigInteger)x * fraction / FixedPoint.One), FixedPoint.TimesFraction(x, fraction));
        }
    }

    [Fact]
    public void Overflow_is_refused_not_wrapped()
    {
        var large = QuoteValue.Product(UInt128.MaxValue >> 1, UInt128.MaxValue);
        Assert.Throws<OverflowException>(() => large + large);
        Assert.Throws<OverflowException>(() => large - -large);
        Assert.Throws<OverflowException>(() => -large - large);
        Assert.Equal(QuoteValue.Zero, large - large);
        Assert.Equal(-large - -large, QuoteValue.Zero);
        Assert.Throws<OverflowException>(() => QuoteValue.Product(UInt128.MaxValue, UInt128.MaxValue));
        Assert.Throws<OverflowException>(() => large.ToDecimal());
        Assert.Throws<OverflowException>(() => large.Times(4));
        Assert.Equal(decimal.MaxValue, QuoteValue.Ratio(large, Smallest));
    }

    [Fact]
    public void A_ratio_of_values_is_the_quotient_of_their_decimals()
    {
        var weighted = QuoteValue.Product(FixedPoint.FromDecimal(2850.7125m, up: false), FixedPoint.One);
        var requirement = QuoteValue.Product(FixedPoint.FromDecimal(1900m, up: false), FixedPoint.One);
        Assert.Equal(1.500375m, QuoteValue.Ratio(weighted, requirement));
        // A requirement too small for decimal's digits still divides: by the leading bits of both.
        Assert.Equal(2m, QuoteValue.Ratio(Smallest + Smallest, Smallest));
    }

    private static UInt128 RandomUInt128(Random random, int bits)
    {
        var value = (UInt128)(ulong)random.NextInt64() << 64 | (ulong)random.NextInt64();
        return bits >= 128 ? value : value & ((UInt128.One << bits) - 1);
    }
}
