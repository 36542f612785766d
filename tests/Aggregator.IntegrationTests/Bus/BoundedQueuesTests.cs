using System.Text;
using System.Text.Json.Nodes;
using Aggregator.Host.Bus;
using Aggregator.Testing;
using RabbitMQ.Client;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// The bounds deploy/broker/limits.sh puts on the queues that grow while their consumer is down, on a
/// broker of the test's own with small bounds: a full engine queue refuses publishes and drops nothing
/// (the operator's CLI says so, and the file can be sent again), and an error queue keeps its newest.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class BoundedQueuesTests : IAsyncLifetime
{
    private const string EntryExchange = "Aggregator.Messages:LedgerEntry";
    private readonly RabbitMqBroker _broker = RabbitMqBroker.OfItsOwn(new Dictionary<string, string>
    {
        ["AGGREGATOR_QUEUE_MAX_BYTES"] = "6000",
        ["AGGREGATOR_ERROR_QUEUE_MAX"] = "3",
    });
    private readonly string _folder = Directory.CreateTempSubdirectory("aggregator-bounded-").FullName;

    public Task InitializeAsync() => _broker.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_full_engine_queue_refuses_ledger_entries_to_the_operator_and_drops_none()
    {
        // The engine is down: its durable queue, bound to the ledger entries, holds what comes.
        await using var engine = await _broker.ConnectAsync(BusIdentity.Engine);
        await using var channel = await engine.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(EntryExchange, ExchangeType.Fanout, durable: true);
        await channel.QueueDeclareAsync("engine", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("engine", EntryExchange, "");

        var (config, entries) = Books(40);
        string[] publish = ["ledger", "publish", "--file", entries, "--config", config, "--timeout", "3", .. _broker.BusArguments(BusIdentity.Operator)];
        var refused = CliRunner.Run(publish);
        Assert.True(refused.Exit == 1, refused.Output + refused.Error);
        var match = System.Text.RegularExpressions.Regex.Match(refused.Error, @"the bus did not take ledger entry 'e(\d+)' \(entry \d+ of 40; the (\d+) before it were taken\): not taken within 3 s");
        Assert.True(match.Success, refused.Error);
        var taken = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(taken, 1, 39);
        Assert.Equal($"{taken + 1}", match.Groups[1].Value);

        // Every entry the broker took is held, whole and in order: nothing was dropped to make room.
        Assert.Equal((uint)taken, await channel.MessageCountAsync("engine"));
        Assert.Equal([.. Enumerable.Range(1, taken).Select(i => $"e{i}")], await DrainAsync(channel, "engine"));

        // The engine drains its queue as it comes back: the whole file sent again goes through, and
        // the engine sees every entry (it applies each id once).
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            seen.Enqueue(JsonNode.Parse(delivery.Body.Span)!["message"]!["entryId"]!.GetValue<string>());
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync("engine", autoAck: true, consumer);
        var again = CliRunner.Run(publish);
        Assert.True(again.Exit == 0, again.Output + again.Error);
        await Eventually.Until(() => seen.Count >= 40, "the engine received every entry");
        Assert.Equal([.. Enumerable.Range(1, 40).Select(i => $"e{i}")], seen);
    }

    [Fact]
    public async Task An_error_queue_keeps_its_newest_messages_so_a_flood_of_refusals_cannot_fill_the_disk()
    {
        await using var engine = await _broker.ConnectAsync(BusIdentity.Engine);
        await using var channel = await engine.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        // As MassTransit lays it out: an exchange named like the queue, bound to it.
        await channel.ExchangeDeclareAsync("engine_error", ExchangeType.Fanout, durable: true);
        await channel.QueueDeclareAsync("engine_error", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("engine_error", "engine_error", "");
        for (var i = 1; i <= 8; i++)
        {
            await channel.BasicPublishAsync("engine_error", "", Encoding.UTF8.GetBytes($"refused {i}"));
        }
        Assert.Equal(3u, await channel.MessageCountAsync("engine_error")); // each publish above is confirmed
        var kept = new List<string>();
        while (await channel.BasicGetAsync("engine_error", autoAck: true) is { } message)
        {
            kept.Add(Encoding.UTF8.GetString(message.Body.Span));
        }
        Assert.Equal(["refused 6", "refused 7", "refused 8"], kept);
    }

    // The entry ids of every message in the queue now, taken off it in order.
    private static async Task<List<string>> DrainAsync(IChannel channel, string queue)
    {
        var ids = new List<string>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            ids.Add(JsonNode.Parse(message.Body.Span)!["message"]!["entryId"]!.GetValue<string>());
        }
        return ids;
    }

    // The shipped configuration without its epochs and api sections (the market gives USDC's decimals), and a
    // file of borrows for its accounts.
    private (string Config, string Entries) Books(int count)
    {
        foreach (var file in new[] { "reserves.json", "market.json" })
        {
            File.Copy(RepositoryPaths.Combine("deploy", "config", file), Path.Combine(_folder, file));
        }
        var config = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("deploy", "config", "aggregator.json")))!.AsObject();
        config.Remove("epochs");
        config.Remove("api"); // it serves the epochs: without them, it has nothing to serve
        var configPath = Path.Combine(_folder, "aggregator.json");
        File.WriteAllText(configPath, config.ToJsonString());
        var entriesPath = Path.Combine(_folder, "entries.csv");
        File.WriteAllLines(entriesPath, ["entryId,account,kind,asset,amount,at", .. Enumerable.Range(1, count).Select(i => $"e{i},alice,borrow,USDC,1,2026-12-06T10:00:00Z")]);
        return (configPath, entriesPath);
    }
}
