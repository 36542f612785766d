using System.Numerics;
using Aggregator.Core.Amounts;

namespace Aggregator.Core.Tests.Amounts;

public class AmountTests
{
    [Theory]
    [InlineData("0", 8, "0")]
    [InlineData("1", 8, "100000000")]
    [InlineData("0.5", 6, "500000")]
    [InlineData("123.456789", 6, "123456789")]
    [InlineData("1.10", 1, "11")]
    [InlineData("1000000000000000000000", 18, "1000000000000000000000000000000000000000")]
    public void Exact_decimal_strings_become_base_units(string text, int decimals, string units)
    {
        var amount = Amount.Parse(text, decimals, Rounding.Exact);
        Assert.Equal(BigInteger.Parse(units), amount.BaseUnits);
        Assert.Equal(decimals, amount.Decimals);
    }

    [Theory]
    [InlineData("0.000000001", 8, Rounding.Up, "1")]
    [InlineData("0.000000001", 8, Rounding.Down, "0")]
    [InlineData("1.234567891", 8, Rounding.Up, "123456790")]
    [InlineData("1.234567890", 8, Rounding.Up, "123456789")]
    [InlineData("1.999999999", 0, Rounding.Down, "1")]
    [InlineData("1.000000001", 0, Rounding.Up, "2")]
    public void Extra_digits_round_as_asked(string text, int decimals, Rounding rounding, string units)
    {
        Assert.Equal(BigInteger.Parse(units), Amount.Parse(text, decimals, rounding).BaseUnits);
    }

    [Fact]
    public void Extra_non_zero_digits_are_an_error_when_exact()
    {
        var error = Assert.Throws<FormatException>(() => Amount.Parse("1.001", 2, Rounding.Exact));
        Assert.Contains("more than 2 decimal places", error.Message);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1e5")]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1,000")]
    [InlineData("+3")]
    [InlineData("0x10")]
    [InlineData("1.2.3")]
    [InlineData("NaN")]
    public void Anything_but_a_plain_non_negative_decimal_is_rejected(string text)
    {
        Assert.Throws<FormatException>(() => Amount.Parse(text, 6, Rounding.Up));
    }

    [Fact]
    public void Negative_amounts_are_named_as_such()
    {
        Assert.Contains("negative", Assert.Throws<FormatException>(() => Amount.Parse("-0.5", 6, Rounding.Up)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Amount(-1, 6));
    }

    [Theory]
    [InlineData("0", 6, "0")]
    [InlineData("1500000", 6, "1.5")]
    [InlineData("1", 6, "0.000001")]
    [InlineData("42", 0, "42")]
    [InlineData("100000000", 8, "1")]
    public void Printing_gives_whole_units_without_trailing_zeros(string units, int decimals, string text)
    {
        var amount = new Amount(BigInteger.Parse(units), decimals);
        Assert.Equal(text, amount.ToString());
        Assert.Equal(amount, Amount.Parse(text, decimals, Rounding.Exact));
    }

    [Fact]
    public void Rescaling_rounds_liabilities_up_and_reserves_down()
    {
        var wei = Amount.Parse("1.0000000000000001", 18, Rounding.Exact);
        Assert.Equal(new BigInteger(100000001), wei.Rescale(8, Rounding.Up).BaseUnits);
        Assert.Equal(new BigInteger(100000000), wei.Rescale(8, Rounding.Down).BaseUnits);
        Assert.Equal(BigInteger.Parse("1000000000000000100"), wei.Rescale(18, Rounding.Exact).BaseUnits);
        Assert.Throws<InvalidOperationException>(() => wei.Rescale(8, Rounding.Exact));
    }
}
