using System.Diagnostics;
using System.Globalization;
using Aggregator.Core.Observations;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Engine;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Bench;

/// <summary>
/// Balance observations through the bus into the engine: an adapter's stream of batches (one per height,
/// published in order, each confirmed) consumed by the engine role, health current after each batch,
/// timed after every account's first balance is in (a rebuilt book).
/// Beside it in the same run, the anchor: the same messages to a consumer that does nothing (what the
/// bus alone carries). In memory, and over RabbitMQ when a broker URL is given.
/// </summary>
internal static class BusBenchmark
{
    /// <summary>Counts what reaches it and does nothing else: the bus's own cost.</summary>
    public sealed class NoOpConsumer(NoOpConsumer.Counter counter) : IConsumer<CollateralObserved>
    {
        public sealed class Counter
        {
            private long _height;

            public ulong Height => (ulong)Interlocked.Read(ref _height);

            public void Saw(ulong height) => Interlocked.Exchange(ref _height, (long)height);
        }

        public Task Consume(ConsumeContext<CollateralObserved> context)
        {
            counter.Saw(context.Message.Batch.Height);
            return Task.CompletedTask;
        }
    }

    public static async Task Run(int accounts, int batches, int batchSize, string? rabbitMq)
    {
        Console.WriteLine($"# Bus into the engine: {accounts:N0} accounts, {batches:N0} batches of {batchSize:N0} observations");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        var settings = EngineFixtures.Settings(accounts);
        var random = new Random(1);
        // Before the timed stream, every account's first balance (a running engine's book, as after its
        // rebuild): a fresh book's first touch of each account costs page faults the running engine paid once.
        var rebuild = Enumerable.Range(0, (accounts + RebuildBatch - 1) / RebuildBatch).Select(b => EngineFixtures.Batch((ulong)b + 1, $"0xr{b:x}",
            [.. Enumerable.Range(b * RebuildBatch, Math.Min(RebuildBatch, accounts - (b * RebuildBatch))).Select(i => (i, EngineFixtures.OneEth))])).ToArray();
        var first = (ulong)rebuild.Length + 1;
        var stream = Enumerable.Range(0, batches).Select(h => EngineFixtures.Batch(first + (ulong)h, $"0x{h:x}",
            [.. Enumerable.Range(0, batchSize).Select(_ => (random.Next(accounts), (ulong)random.Next(1, 5000) * (EngineFixtures.OneEth / 1000)))])).ToArray();

        // The engine alone, no bus: the same batches applied directly, health changes taken after each;
        // on a fresh book (every account touched for the first time) and on a rebuilt one.
        var fresh = new EngineBook(settings.CreateBook());
        var alone = new EngineBook(settings.CreateBook());
        foreach (var batch in rebuild)
        {
            alone.Apply(batch);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine alone (no bus): {Rate(fresh, stream):N0} observations/s on a fresh book, {Rate(alone, stream):N0} on a rebuilt one"));
        Console.WriteLine();
        Console.WriteLine("| transport | engine: observations/s (health current after each batch) | anchor, no-op consumer: observations/s |");
        Console.WriteLine("|---|---:|---:|");
        await BenchTransports.ForEach(rabbitMq, 3, async (name, transport) =>
        {
            var engine = await Measure(transport, settings, rebuild, stream, withEngine: true);
            var anchor = await Measure(transport, settings, rebuild, stream, withEngine: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {engine:N0} | {anchor:N0} |"));
        });
    }

    private const int RebuildBatch = 10_000;

    private static double Rate(EngineBook engine, ObservationBatch[] stream)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in stream)
        {
            engine.Apply(batch);
        }
        return stream.Sum(b => b.Balances.Count) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> Measure(BusTransport transport, EngineSettings settings, ObservationBatch[] rebuild, ObservationBatch[] stream, bool withEngine)
    {
        var queue = $"bench-{Guid.NewGuid():N}";
        var counter = new NoOpConsumer.Counter();
        var plan = new HostPlan(transport) { Engine = withEngine ? settings : null, EngineQueue = queue };
        using var host = AggregatorHost.Build(plan, bus =>
        {
            if (!withEngine)
            {
                bus.AddSingleton(counter);
                bus.AddConsumer<NoOpConsumer>().Endpoint(e =>
                {
                    e.Name = queue;
                    e.ConcurrentMessageLimit = 1;
                });
            }
        });
        await host.StartAsync();
        try
        {
            var engine = withEngine ? host.Services.GetRequiredService<EngineBook>() : null;
            var endpoint = host.Services.GetRequiredService<IPublishEndpoint>();
            foreach (var batch in rebuild)
            {
                await endpoint.Publish(new CollateralObserved(batch));
            }
            await WaitFor(rebuild[^1].Height);
            var last = stream[^1].Height;
            var paused = GC.GetTotalPauseDuration();
            var collections = GC.CollectionCount(0);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            foreach (var batch in stream)
            {
                await endpoint.Publish(new CollateralObserved(batch));
            }
            await WaitFor(last);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(withEngine ? "engine" : "anchor")}: {watch.Elapsed.TotalMilliseconds:F0} ms, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / watch.Elapsed.TotalMilliseconds:F2} cores busy, {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms paused in {GC.CollectionCount(0) - collections} collections"));
            return stream.Sum(b => b.Balances.Count) / watch.Elapsed.TotalSeconds;

            async Task WaitFor(ulong height)
            {
                while ((engine?.AppliedHeight(EngineFixtures.Ethereum) ?? counter.Height) != height)
                {
                    await Task.Delay(1);
                }
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
