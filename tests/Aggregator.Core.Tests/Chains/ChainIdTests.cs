using Aggregator.Core.Chains;

namespace Aggregator.Core.Tests.Chains;

public class ChainIdTests
{
    [Theory]
    [InlineData("eip155:1", ChainFamily.Evm, "1")]
    [InlineData("eip155:31337", ChainFamily.Evm, "31337")]
    [InlineData("solana:mainnet", ChainFamily.Solana, "mainnet")]
    [InlineData("bip122:000000000019d6689c085ae165831e93", ChainFamily.Bitcoin, "000000000019d6689c085ae165831e93")]
    public void CAIP2_ids_round_trip(string text, ChainFamily family, string reference)
    {
        var id = ChainId.Parse(text);
        Assert.Equal(family, id.Family);
        Assert.Equal(reference, id.Reference);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("cosmos:hub")]
    [InlineData("eip155:mainnet")]
    [InlineData("solana:")]
    [InlineData("solana:a b")]
    public void Unknown_or_malformed_ids_are_rejected(string text)
    {
        Assert.Throws<FormatException>(() => ChainId.Parse(text));
    }
}
