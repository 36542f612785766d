using System.Numerics;
using System.Text.Json;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Observations;
using Aggregator.Messages;

namespace Aggregator.Host.Tests;

/// <summary>The compact wire form of observation batches: exact round trips, and every malformed body refused.</summary>
public class CompactBatchTests
{
    private static readonly ObservationBatch Sample = new(
        Core.Chains.ChainId.Parse("eip155:1"), 19_000_000, "0xabc",
        [
            new BalanceObservation("0x00000000000000000000000000000000000000aA", new AssetId("USDC"), new Amount(123, 6)),
            new BalanceObservation("0x00000000000000000000000000000000000000bb", new AssetId("ETH"), new Amount(BigInteger.Parse("340282366920938463463374607431768211457"), 18)),
            new BalanceObservation("0x00000000000000000000000000000000000000cc", new AssetId("ETH"), new Amount(0, 18)),
            new BalanceObservation("So1anaDepositAddressÜ", new AssetId("USDC"), new Amount(7, 9)),
        ],
        [new ReadFailure(new AssetId("BRK"), "0x00000000000000000000000000000000000000aa", "the call reverted"), new ReadFailure(new AssetId("SOL"), null, "rpc down")])
    { ReplacesBlockHash = "0xdef" };

    private static void AssertSame(ObservationBatch expected, ObservationBatch actual)
    {
        Assert.Equal((expected.Chain, expected.Height, expected.BlockHash, expected.ReplacesBlockHash), (actual.Chain, actual.Height, actual.BlockHash, actual.ReplacesBlockHash));
        Assert.Equal(expected.Balances, actual.Balances);
        Assert.Equal(expected.Failures, actual.Failures);
    }

    [Fact]
    public void A_batch_round_trips_through_the_message_exactly_as_one_base64_string()
    {
        var json = JsonSerializer.Serialize(new CollateralObserved(Sample));
        Assert.Matches("^\\{\"Batch\":\"[A-Za-z0-9+/=]+\"\\}$", json);
        AssertSame(Sample, JsonSerializer.Deserialize<CollateralObserved>(json)!.Batch);

        var plain = Sample with { Balances = [], Failures = [], ReplacesBlockHash = null };
        AssertSame(plain, CompactBatchJsonConverter.Decode(CompactBatchJsonConverter.Encode(plain)));
    }

    [Fact]
    public void A_thousand_balances_take_about_half_the_size_of_json_objects()
    {
        var batch = Sample with
        {
            Balances = [.. Enumerable.Range(0, 1000).Select(i => new BalanceObservation($"0x{i:x40}", new AssetId("ETH"), new Amount(BigInteger.Pow(10, 18) + i, 18)))],
        };
        var compact = JsonSerializer.Serialize(new CollateralObserved(batch)).Length;
        var objects = JsonSerializer.Serialize(batch).Length;
        Assert.True(compact < objects * 0.6, $"{compact} characters against {objects}"); // the addresses are most of it
        AssertSame(batch, JsonSerializer.Deserialize<CollateralObserved>(JsonSerializer.Serialize(new CollateralObserved(batch)))!.Batch);
    }

    [Fact]
    public void Every_malformed_body_is_a_json_error_naming_the_problem()
    {
        var bytes = CompactBatchJsonConverter.Encode(Sample);
        foreach (var length in new[] { 0, 1, 10, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.Throws<JsonException>(() => CompactBatchJsonConverter.Decode(bytes[..length]));
        }
        var version = bytes.ToArray();
        version[0] = 2;
        Assert.Contains("version 2", Assert.Throws<JsonException>(() => CompactBatchJsonConverter.Decode(version)).Message);
        Assert.Contains("bytes after", Assert.Throws<JsonException>(() => CompactBatchJsonConverter.Decode([.. bytes, 0])).Message);

        // A count far beyond the body: refused before anything is allocated for it.
        var header = CompactBatchJsonConverter.Encode(Sample with { Balances = [], Failures = [] });
        var lying = header[..^2].Concat(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x07 }).ToArray();
        Assert.Contains("claims", Assert.Throws<JsonException>(() => CompactBatchJsonConverter.Decode(lying)).Message);

        foreach (var json in new[] { "{\"Batch\":42}", "{\"Batch\":\"not base64!\"}", "{\"Batch\":{\"Chain\":\"eip155:1\"}}" })
        {
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CollateralObserved>(json));
        }
    }

    [Fact]
    public void A_batch_naming_an_asset_outside_its_table_is_refused()
    {
        var one = Sample with { Balances = [Sample.Balances[0]], Failures = [] };
        var bytes = CompactBatchJsonConverter.Encode(one);
        // The balance's asset index sits right after its address: find the address and bump the index.
        var address = System.Text.Encoding.UTF8.GetBytes(one.Balances[0].Address);
        var at = bytes.AsSpan().IndexOf(address) + address.Length;
        bytes[at] = 5;
        Assert.Contains("names asset 5", Assert.Throws<JsonException>(() => CompactBatchJsonConverter.Decode(bytes)).Message);
    }
}
