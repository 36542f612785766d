using System.Diagnostics;
using System.Globalization;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Engine;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Bench;

/// <summary>
/// From a price change on the bus (the oracle's PricesObserved) to the last liquidation plan it causes
/// received by a subscriber, at N accounts: each holds 1 ETH and owes USDC for a health factor spread
/// evenly over 0.95..1.55 at 2000; ETH then alternates 2000 → 1990 → 2000, so every down tick makes
/// about N·0.8% accounts liquidatable (a plan each) and every up tick heals them. The oracle's polling
/// interval comes on top (pollSeconds).
/// </summary>
internal static class LatencyBenchmark
{
    public sealed class Tally
    {
        private long _plans;
        private long _expected;

        public long Plans => Interlocked.Read(ref _plans);

        public long Expected => Interlocked.Read(ref _expected);

        public void Planned(int plans) => Interlocked.Add(ref _plans, plans);

        public void Changed(AccountsHealthChanged changed) =>
            Interlocked.Add(ref _expected, changed.Changes.Count(c => c.Status is "liquidatable" or "insolvent" && c.Status != c.PreviousStatus));
    }

    public sealed class Subscriber(Tally tally) : IConsumer<LiquidationsPlanned>, IConsumer<AccountsHealthChanged>
    {
        public Task Consume(ConsumeContext<LiquidationsPlanned> context)
        {
            tally.Planned(context.Message.Plans.Count);
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<AccountsHealthChanged> context)
        {
            tally.Changed(context.Message);
            return Task.CompletedTask;
        }
    }

    public static async Task Run(int accounts, int ticks, string? rabbitMq)
    {
        Console.WriteLine($"# Price change to liquidation plans: {accounts:N0} accounts, {ticks} down ticks");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        Console.WriteLine("| transport | plans per down tick | p50 ms | p99 ms | max ms | up tick, until the engine has the price: p50 ms | warm-up down ticks after the first, ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        await BenchTransports.ForEach(rabbitMq, 6, (name, transport) => Measure(name, transport, accounts, ticks));
    }

    // Down ticks before the measured ones (each followed by an up tick), timed and shown apart: the first
    // ticks after a start run while the tiered JIT still promotes the tick's path (a method that runs once
    // per tick is recompiled optimized after 30 calls). The first, which also learns how many plans a
    // tick makes, is not timed at all.
    private const int WarmUpDownTicks = 5;

    private static async Task Measure(string name, BusTransport transport, int accounts, int ticks)
    {
        var settings = EngineFixtures.Settings(accounts);
        var tally = new Tally();
        var queue = $"bench-{Guid.NewGuid():N}";
        using var host = AggregatorHost.Build(new HostPlan(transport) { Engine = settings, EngineQueue = queue }, bus =>
        {
            bus.AddSingleton(tally);
            bus.AddConsumer<Subscriber>().Endpoint(e =>
            {
                e.Name = queue + "-plans";
                e.ConcurrentMessageLimit = 1;
            });
        });
        var engine = host.Services.GetRequiredService<EngineBook>();
        var usdc = engine.Book.AssetIndex(EngineFixtures.Usdc);
        for (var i = 0; i < accounts; i++)
        {
            var health = 0.95m + 0.6m * i / accounts;
            engine.Book.SetDebt(i, usdc, (UInt128)decimal.Truncate(2000m * 0.825m / health * 1_000_000m));
        }
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IPublishEndpoint>();
            // Every account's 1 ETH, in batches of 10,000 (one height each).
            var heights = (accounts + 9_999) / 10_000;
            for (var h = 0; h < heights; h++)
            {
                await bus.Publish(new CollateralObserved(EngineFixtures.Batch((ulong)h + 1, $"0x{h + 1:x}", [.. Enumerable.Range(h * 10_000, Math.Min(10_000, accounts - (h * 10_000))).Select(i => (i, EngineFixtures.OneEth))])));
            }
            await Until(() => engine.AppliedHeight(EngineFixtures.Ethereum) == (ulong)heights, () => $"applied height {engine.AppliedHeight(EngineFixtures.Ethereum)} of {heights}");
            // The setup's own plans (accounts owing before their first batch) must be in before timing starts.
            await Settled(tally);
            var down = new List<double>();
            var up = new List<double>();
            long plans = 0;
            long perDownTick = -1; // learnt from the first down tick, a warm-up: the engine publishes plans before health changes
            var warming = new List<double>();
            for (var tick = 0; tick < 2 * (ticks + WarmUpDownTicks); tick++)
            {
                var price = tick % 2 == 0 ? 1990m : 2000m;
                var before = tally.Plans;
                await Task.Delay(1100); // quotes are stamped in whole seconds: each tick a newer one
                var pausedBefore = GC.GetTotalPauseDuration();
                var collectionsBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var watch = Stopwatch.StartNew();
                await bus.Publish(new PricesObserved([new PriceObservation(EngineFixtures.Eth, "feed", price, DateTimeOffset.UtcNow)]));
                if (perDownTick < 0)
                {
                    await Until(() => engine.Book.Market[EngineFixtures.Eth].Price == price && tally.Plans > before, () => "the first down tick's plans");
                    await Settled(tally);
                    perDownTick = tally.Plans - before;
                }
                var expected = price == 1990m ? perDownTick : 0;
                await Until(
                    () => engine.Book.Market[EngineFixtures.Eth].Price == price && tally.Plans - before >= expected,
                    () => $"ETH at {engine.Book.Market[EngineFixtures.Eth].Price} (want {price}), {tally.Plans - before} plans of {expected} expected");
                var elapsed = watch.Elapsed.TotalMilliseconds;
                var timedPause = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
                // Nothing more may follow: a tick with more plans than the first would be timed too early.
                await Settled(tally);
                var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
                var collections = (GC.CollectionCount(0) - collectionsBefore.Item1, GC.CollectionCount(1) - collectionsBefore.Item2, GC.CollectionCount(2) - collectionsBefore.Item3);
                if (tally.Plans - before != expected)
                {
                    throw new InvalidOperationException($"tick {tick} planned {tally.Plans - before} liquidations, the first down tick {perDownTick}");
                }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tick {tick}: ETH {price}, {tally.Plans - before} plans, {elapsed:F0} ms ({timedPause:F0} ms of it GC pauses); GC until settled: {paused:F0} ms paused, collections {collections}"));
                if (tick < 2 * WarmUpDownTicks)
                {
                    if (price == 1990m && tick > 0)
                    {
                        warming.Add(elapsed);
                    }
                }
                else
                {
                    (price == 1990m ? down : up).Add(elapsed);
                    plans += expected;
                }
            }
            down.Sort();
            up.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {plans / down.Count:N0} | {Percentile(down, 0.5):F0} | {Percentile(down, 0.99):F0} | {down[^1]:F0} | {Percentile(up, 0.5):F0} | {string.Join(", ", warming.Select(w => w.ToString("F0", CultureInfo.InvariantCulture)))} |"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    // Until no plan and no health change has arrived for half a second (the engine's health messages
    // follow its plans); then every pool that became liquidatable must have had its plan.
    private static async Task Settled(Tally tally)
    {
        for (var last = (-1L, -1L); (tally.Plans, tally.Expected) != last; await Task.Delay(500))
        {
            last = (tally.Plans, tally.Expected);
        }
        if (tally.Plans != tally.Expected)
        {
            throw new InvalidOperationException($"{tally.Plans} plans for {tally.Expected} pools that became liquidatable");
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task Until(Func<bool> condition, Func<string> state)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"not done within 2 minutes: {state()}");
            }
            await Task.Delay(1);
        }
    }
}
