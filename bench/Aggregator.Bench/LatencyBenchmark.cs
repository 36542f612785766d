using System.Diagnostics;
using System.Globalization;
using Aggregator.Host;
using Aggregator.Host.Engine;
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
        Console.WriteLine("| transport | plans per down tick | p50 ms | p99 ms | max ms | up tick, until the engine has the price: p50 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        await BenchTransports.ForEach(rabbitMq, 6, (name, transport) => Measure(name, transport, accounts, ticks));
    }

    private static async Task Measure(string name, BusTransport transport, int accounts, int ticks)
    {
        var settings = EngineFixtures.Settings(accounts);
        var tally = new Tally();
        var queue = $"bench-{Guid.NewGuid():N}";
        using var host = AggregatorHost.Build(new HostPlan(transport) { Engine = settings, EngineQueue = queue }, bus =>
        {
            bus.AddSingleton(tally);
            // One message at a time: the engine's health messages are confirmed before its plans are
            // published, so by the time the plans match the expected count every change was counted.
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
            for (var last = -1L; tally.Plans != last || tally.Plans != tally.Expected; await Task.Delay(500))
            {
                last = tally.Plans;
            }
            var down = new List<double>();
            var up = new List<double>();
            long plans = 0;
            for (var tick = 0; tick < 2 * ticks + 2; tick++)
            {
                var price = tick % 2 == 0 ? 1990m : 2000m;
                var before = tally.Plans;
                var expectedBefore = tally.Expected;
                await Task.Delay(1100); // quotes are stamped in whole seconds: each tick a newer one
                var watch = Stopwatch.StartNew();
                await bus.Publish(new PricesObserved([new PriceObservation(EngineFixtures.Eth, "feed", price, DateTimeOffset.UtcNow)]));
                await Until(
                    () => engine.Book.Market[EngineFixtures.Eth].Price == price && tally.Plans - before == tally.Expected - expectedBefore && (price == 2000m || tally.Plans > before),
                    () => $"ETH at {engine.Book.Market[EngineFixtures.Eth].Price} (want {price}), {tally.Plans - before} plans of {tally.Expected - expectedBefore} expected");
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tick {tick}: ETH {price}, {tally.Plans - before} plans, {watch.Elapsed.TotalMilliseconds:F0} ms"));
                if (tick >= 2) // the first two ticks warm up
                {
                    (price == 1990m ? down : up).Add(watch.Elapsed.TotalMilliseconds);
                    plans += price == 1990m ? tally.Plans - before : 0;
                }
            }
            down.Sort();
            up.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {plans / down.Count:N0} | {Percentile(down, 0.5):F0} | {Percentile(down, 0.99):F0} | {down[^1]:F0} | {Percentile(up, 0.5):F0} |"));
        }
        finally
        {
            await host.StopAsync();
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
