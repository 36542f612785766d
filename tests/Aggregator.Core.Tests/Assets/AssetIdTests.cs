using Aggregator.Core.Assets;

namespace Aggregator.Core.Tests.Assets;

public class AssetIdTests
{
    [Theory]
    [InlineData("BTC")]
    [InlineData("stETH")]
    [InlineData("USDC.e")]
    [InlineData("W-BTC_2")]
    [InlineData("1INCH")]
    public void Ordinary_symbols_are_accepted(string symbol)
    {
        Assert.Equal(symbol, new AssetId(symbol).Symbol);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-BTC")]
    [InlineData("BTC ETH")]
    [InlineData("ABCDEFGHIJKLMNOPQ")]
    [InlineData("ÉTH")]
    public void Malformed_symbols_are_rejected(string symbol)
    {
        Assert.Throws<FormatException>(() => new AssetId(symbol));
    }
}
