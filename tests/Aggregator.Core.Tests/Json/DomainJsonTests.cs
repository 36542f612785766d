using System.Numerics;
using System.Text.Json;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;

namespace Aggregator.Core.Tests.Json;

/// <summary>Domain values survive System.Text.Json with default options: the bus's messages depend on it.</summary>
public class DomainJsonTests
{
    [Fact]
    public void An_observation_batch_round_trips_without_losing_chain_amounts_or_assets()
    {
        var batch = new ObservationBatch(
            ChainId.Parse("eip155:1"), 19_000_000, "0xabc",
            [
                new BalanceObservation("0x00000000000000000000000000000000000000aa", new AssetId("USDC"), new Amount(123, 6)),
                new BalanceObservation("0x00000000000000000000000000000000000000bb", new AssetId("ETH"), new Amount(BigInteger.Parse("340282366920938463463374607431768211457"), 18)),
            ],
            [new ReadFailure(new AssetId("BRK"), "0x00000000000000000000000000000000000000aa", "the call reverted")])
        { ReplacesBlockHash = "0xdef" };

        var json = JsonSerializer.Serialize(batch);
        var back = JsonSerializer.Deserialize<ObservationBatch>(json)!;

        Assert.Contains("\"Chain\":\"eip155:1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"baseUnits\":\"123\"", json, StringComparison.Ordinal);
        Assert.Equal(batch.Chain, back.Chain);
        Assert.Equal(batch.Height, back.Height);
        Assert.Equal("0xdef", back.ReplacesBlockHash);
        Assert.Equal(batch.Balances, back.Balances);
        Assert.Equal(batch.Failures, back.Failures);
    }

    [Theory]
    [InlineData("\"solana:mainnet\"")]
    [InlineData("\"eip155:31337\"")]
    public void A_chain_id_round_trips_as_its_caip2_string(string json)
    {
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<ChainId>(json)));
    }

    [Theory]
    [InlineData("{\"baseUnits\":123,\"decimals\":6}")]          // a JSON number: a reader's double could carry it
    [InlineData("{\"baseUnits\":\"-1\",\"decimals\":6}")]
    [InlineData("{\"baseUnits\":\"1.5\",\"decimals\":6}")]
    [InlineData("{\"baseUnits\":\"1\"}")]
    [InlineData("{\"decimals\":6}")]
    [InlineData("{\"baseUnits\":\"1\",\"decimals\":37}")]
    [InlineData("{\"baseUnits\":\"1\",\"decimals\":6,\"extra\":1}")]
    [InlineData("{\"baseUnits\":\"1\",\"baseUnits\":\"2\",\"decimals\":6}")]
    [InlineData("\"123\"")]
    public void A_malformed_amount_is_refused_not_read_as_zero(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Amount>(json));
    }

    [Theory]
    [InlineData("\"eip155:\"")]
    [InlineData("\"eip155:x\"")]
    [InlineData("\"cosmos:hub\"")]
    [InlineData("1")]
    public void A_malformed_chain_id_is_refused(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ChainId>(json));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"has space\"")]
    [InlineData("null")]
    public void A_malformed_asset_id_is_refused(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AssetId>(json));
    }
}
