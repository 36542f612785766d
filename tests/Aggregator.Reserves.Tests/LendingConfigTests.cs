using Aggregator.Chains.Evm.Balances;
using Aggregator.Core.Errors;
using Aggregator.Reserves.Configuration;

namespace Aggregator.Reserves.Tests;

/// <summary>The lending positions of a reserves configuration: read as given, and every bad one named by its place.</summary>
public sealed class LendingConfigTests
{
    private const string Comet = "0x00000000000000000000000000000000000000c3";
    private const string DebtToken = "0x00000000000000000000000000000000000000d7";

    private static string Config(string lending) => $$"""
        {
          "institution": "Example Custody Ltd",
          "evm": [{
            "name": "local", "chainId": 31337, "rpc": "http://127.0.0.1:8545", "multicall3": "0x00000000000000000000000000000000000000ca",
            "tokens": [{ "symbol": "USDC", "address": "0x00000000000000000000000000000000000000aa", "decimals": 6 }],
            "lending": {{lending}},
            "addresses": [{ "address": "0x00000000000000000000000000000000000000bb", "signedText": "x", "signature": "0x00" }]
          }]
        }
        """;

    [Fact]
    public void Each_position_is_read_with_its_asset_decimals()
    {
        var config = ReservesConfigFile.Parse(Config($$"""[{ "protocol": "aave-v3", "symbol": "ETH", "contract": "{{DebtToken}}" }, { "protocol": "compound-v3", "symbol": "USDC", "contract": "{{Comet}}" }]"""), "reserves.json");
        Assert.Equal(
            [new EvmDebtSource(LendingProtocol.AaveV3, "ETH", DebtToken, 18), new EvmDebtSource(LendingProtocol.CompoundV3, "USDC", Comet, 6)],
            config.Evm[0].Options.Debts);
        Assert.Equal($"compound-v3:{Comet}", config.Evm[0].Options.Debts[1].Name);
        // Deposit addresses owe nothing the reserves net: their debts are not read.
        Assert.Empty(config.WithDeposits([(Core.Chains.ChainId.Evm(31337), "0x00000000000000000000000000000000000000ee")]).Evm[0].Options.Debts);
    }

    [Theory]
    [InlineData("""[{ "protocol": "maker", "symbol": "ETH", "contract": "0x00000000000000000000000000000000000000d7" }]""", "$.evm[0].lending[0].protocol")]
    [InlineData("""[{ "protocol": "aave-v3", "symbol": "DAI", "contract": "0x00000000000000000000000000000000000000d7" }]""", "$.evm[0].lending[0].symbol")]
    [InlineData("""[{ "protocol": "aave-v3", "symbol": "ETH", "contract": "0xd7" }]""", "$.evm[0].lending[0].contract")]
    [InlineData("""[{ "protocol": "aave-v3", "symbol": "ETH", "contract": "0x00000000000000000000000000000000000000d7" }, { "protocol": "compound-v3", "symbol": "USDC", "contract": "0x00000000000000000000000000000000000000D7" }]""", "$.evm[0].lending[1].contract")]
    public void A_bad_position_is_named_by_its_place(string lending, string field)
    {
        var error = Assert.Throws<InputException>(() => ReservesConfigFile.Parse(Config(lending), "reserves.json"));
        Assert.Equal(field, error.Field);
    }
}
