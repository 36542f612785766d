using System.Numerics;
using System.Text.Json;
using Aggregator.Composition;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Observations;
using Aggregator.Host.Bus;
using Aggregator.Host.Bus.Wire;
using Aggregator.Messages;

namespace Aggregator.Host.Tests;

/// <summary>The compact wire forms (batches, health changes, plans): exact round trips, and every malformed body refused.</summary>
public class CompactWireTests
{
    // The forms as the bus registers them; the message records carry no converter of their own.
    private static readonly JsonSerializerOptions Wire = WireFormat.Configure(new JsonSerializerOptions());

    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, 500, TimeSpan.FromHours(2));

    private static readonly AccountHealthChanged[] Changes =
    [
        new("account-1", null, "healthy", "liquidatable", 3, 0, 0.97m, At),
        new("account-2", "isolated-ETH-perp", "margin_call", "healthy", 1, 2, null, At.ToUniversalTime()),
        new("accöunt-3", null, "frozen", "insolvent", 0, 0, 0.123456789012345678901234567m, At),
    ];

    private static readonly LiquidationPlanned[] Plans =
    [
        new("account-1", null, "liquidatable", 0.97m, 0.5m, new AssetId("USDC"), new Amount(3_694_239_793, 6), Core.Chains.ChainId.Parse("eip155:31337"), new AssetId("ETH"), new Amount(BigInteger.Parse("1847119896500000000"), 18), [], At),
        new("account-2", "perp-pool", "insolvent", null, 1m, null, null, null, null, null, ["BTC-PERP", "ETH-PERP"], At.ToUniversalTime()),
    ];

    /// <summary>Each compact form with a sample: encode, decode, and the message's JSON both ways.</summary>
    public static TheoryData<string> Forms => ["batch", "health", "plans"];

    private static (byte[] Bytes, Func<byte[], object> Decode, string Json, Func<string, object> FromJson, object Expected) Form(string form) => form switch
    {
        "batch" => (CompactBatchJsonConverter.Encode(Sample), b => CompactBatchJsonConverter.Decode(b), JsonSerializer.Serialize(new CollateralObserved(Sample), Wire), j => JsonSerializer.Deserialize<CollateralObserved>(j, Wire)!.Batch, Sample),
        "health" => (CompactHealthChangesJsonConverter.Encode(Changes), b => CompactHealthChangesJsonConverter.Decode(b), JsonSerializer.Serialize(new AccountsHealthChanged(Changes), Wire), j => JsonSerializer.Deserialize<AccountsHealthChanged>(j, Wire)!.Changes, Changes),
        _ => (CompactPlansJsonConverter.Encode(Plans), b => CompactPlansJsonConverter.Decode(b), JsonSerializer.Serialize(new LiquidationsPlanned(Plans), Wire), j => JsonSerializer.Deserialize<LiquidationsPlanned>(j, Wire)!.Plans, Plans),
    };

    [Fact]
    public async Task Messages_captured_on_the_bus_before_the_forms_moved_out_of_the_contracts_read_and_write_the_same_bytes()
    {
        // Written by MassTransit's serializer when the converters were attributes of the message records.
        var captured = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Aggregator.Testing.RepositoryPaths.Combine("tests", "Aggregator.Host.Tests", "TestData", "wire-captured.json")))!;
        // A bus configured as every role configures it (it registers the forms on MassTransit's options).
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory));
        await host.StartAsync();
        await host.StopAsync();
        var options = MassTransit.Serialization.SystemTextJsonMessageSerializer.Options;
        var batch = JsonSerializer.Deserialize<CollateralObserved>(captured["batch"]!.GetValue<string>(), options)!;
        AssertSame(Sample, batch.Batch);
        Assert.Equal((1, 3), (batch.Part, batch.Parts));
        var health = JsonSerializer.Deserialize<AccountsHealthChanged>(captured["health"]!.GetValue<string>(), options)!;
        Assert.Equal(Comparable(Changes), Comparable(health.Changes));
        var plans = JsonSerializer.Deserialize<LiquidationsPlanned>(captured["plans"]!.GetValue<string>(), options)!;
        Assert.Equal(Comparable(Plans), Comparable(plans.Plans));
        Assert.Equal(captured["batch"]!.GetValue<string>(), JsonSerializer.Serialize(new CollateralObserved(Sample, 1, 3), options));
        Assert.Equal(captured["health"]!.GetValue<string>(), JsonSerializer.Serialize(new AccountsHealthChanged(Changes), options));
        Assert.Equal(captured["plans"]!.GetValue<string>(), JsonSerializer.Serialize(new LiquidationsPlanned(Plans), options));
    }

    // Records compare their lists by reference: a plan's perps are compared by content.
    private static object[] Comparable(object list) => list switch
    {
        IEnumerable<LiquidationPlanned> plans => [.. plans.Select(p => (p with { PerpsToClose = [] }, string.Join(",", p.PerpsToClose)))],
        IEnumerable<AccountHealthChanged> changes => [.. changes],
        _ => throw new ArgumentException("not a compact list", nameof(list)),
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Lists_round_trip_exactly_and_any_malformed_body_is_a_json_error(string form)
    {
        var (bytes, decode, json, fromJson, expected) = Form(form);
        // One compact string (a batch's part numbers beside it), never a JSON object per entry.
        Assert.Matches("^\\{\"[A-Za-z]+\":\"[A-Za-z0-9+/=]+\"(,\"[A-Za-z]+\":[0-9]+)*\\}$", json);
        if (expected is ObservationBatch batch)
        {
            AssertSame(batch, (ObservationBatch)fromJson(json));
        }
        else
        {
            Assert.Equal(Comparable(expected), Comparable(fromJson(json)));
            Assert.Equal(Comparable(expected), Comparable(decode(bytes)));
        }
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<JsonException>(() => decode(bytes[..length]));
        }
        var version = bytes.ToArray();
        version[0] = 2;
        Assert.Contains("version 2", Assert.Throws<JsonException>(() => decode(version)).Message);
        Assert.Contains("bytes after", Assert.Throws<JsonException>(() => decode([.. bytes, 0])).Message);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("plans")]
    public void A_time_out_of_range_is_a_json_error(string form)
    {
        // Each list ends with its last entry's time: UTC ticks (8 bytes), then the offset in minutes (2 bytes).
        var (bytes, decode, _, _, _) = Form(form);
        var offset = bytes.ToArray();
        BitConverter.TryWriteBytes(offset.AsSpan(offset.Length - 2), (short)(15 * 60)); // beyond ±14 hours
        Assert.Contains("invalid value", Assert.Throws<JsonException>(() => decode(offset)).Message);
        var ticks = bytes.ToArray();
        BitConverter.TryWriteBytes(ticks.AsSpan(ticks.Length - 10, 8), long.MaxValue);
        Assert.Contains("invalid value", Assert.Throws<JsonException>(() => decode(ticks)).Message);
    }

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
    public void A_batch_without_balances_failures_or_reorg_round_trips()
    {
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
        var compact = JsonSerializer.Serialize(new CollateralObserved(batch), Wire).Length;
        var objects = JsonSerializer.Serialize(batch).Length;
        Assert.True(compact < objects * 0.6, $"{compact} characters against {objects}"); // the addresses are most of it
        AssertSame(batch, JsonSerializer.Deserialize<CollateralObserved>(JsonSerializer.Serialize(new CollateralObserved(batch), Wire), Wire)!.Batch);
    }

    [Fact]
    public void A_lying_count_or_a_wrong_json_shape_is_refused()
    {
        // A count far beyond the body: refused before anything is allocated for it.
        var header = CompactBatchJsonConverter.Encode(Sample with { Balances = [], Failures = [] });
        var lying = header[..^2].Concat(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x07 }).ToArray();
        Assert.Contains("claims", Assert.Throws<JsonException>(() => CompactBatchJsonConverter.Decode(lying)).Message);

        foreach (var json in new[] { "{\"Batch\":42}", "{\"Batch\":\"not base64!\"}", "{\"Batch\":{\"Chain\":\"eip155:1\"}}" })
        {
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CollateralObserved>(json, Wire));
        }
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AccountsHealthChanged>("{\"Changes\":[]}", Wire));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LiquidationsPlanned>("{\"Plans\":\"%%%\"}", Wire));
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
