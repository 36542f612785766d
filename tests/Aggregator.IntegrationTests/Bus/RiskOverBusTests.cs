using System.Numerics;
using Aggregator.Composition;
using Aggregator.Core.Amounts;
using Aggregator.Engine;
using Aggregator.Engine.Risk;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// The risk role over the bus (docs/margin.md, "Live bad debt" and "Hedging proposals"): engine
/// partitions report executed liquidations, deficits and their totals; one risk role keeps the
/// insurance fund and proposes hedges. Two partitions give what one gives, each event is applied once,
/// and the fund survives restarts.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class RiskOverBusTests(RabbitMqBroker broker)
{
    private const int Accounts = 16;
    private const string FundParams = """ "insuranceFundShare": "0.1", "insuranceFund": { "USDC": "500" } """;

    // Every account: 1 ETH, borrows 1,900 USDC; each even one is liquidated (its ETH seized, repaying
    // 952.380952 − a base units), and the chain then shows its ETH gone: 8 deficits of 947.619048 + a.
    private static readonly BigInteger Recorded = 8 * new BigInteger(947_619_048) + Enumerable.Range(0, Accounts).Where(a => a % 2 == 0).Sum();

    private BusTransport Transport(string bus) => bus == "memory" ? BusTransport.InMemory : broker.Transport(BusIdentity.All);

    private static IHost Build(BusTransport transport, string run, string state, EnginePartition partition, bool risk, string marketParams = FundParams, Action<IBusRegistrationConfigurator>? extra = null)
    {
        var engine = Settings(Accounts, marketParams) with { StateDirectory = state, ExposureInterval = TimeSpan.FromMilliseconds(200) };
        return AggregatorHost.Build(
            new HostPlan(transport)
            {
                Engine = engine,
                Partition = partition,
                EngineQueue = $"{partition.Queue}-{run}",
                Risk = risk ? RiskSettings.From(engine) : null,
                RiskQueue = $"risk-{run}",
            },
            extra);
    }

    /// <summary>Every message of a type the risk role announces, as a desk subscribed to them sees it.</summary>
    public sealed class Seen<T>(System.Collections.Concurrent.ConcurrentQueue<T> seen) : IConsumer<T>
        where T : class
    {
        public Task Consume(ConsumeContext<T> context)
        {
            seen.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    private static async Task StopAndDelete(IEnumerable<IHost> hosts, IEnumerable<string> states)
    {
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
        foreach (var state in states)
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("rabbitmq")]
    public async Task The_risk_role_proposes_hedges_from_the_partitions_totals_the_reserves_and_the_desk(string bus)
    {
        const string HedgeParams = """ "hedging": { "ETH": { "band": { "min": "-10000", "max": "10000" }, "instrument": "perp", "costBasisPoints": "5" } } """;
        var run = Guid.NewGuid().ToString("N");
        var state = Directory.CreateTempSubdirectory("aggregator-hedge-").FullName;
        var seen = new System.Collections.Concurrent.ConcurrentQueue<HedgeProposed>();
        try
        {
            using var host = Build(Transport(bus), run, state, EnginePartition.Whole, risk: true, HedgeParams, b =>
            {
                b.AddSingleton(seen);
                b.AddConsumer<Seen<HedgeProposed>>().Endpoint(e => e.Name = $"desk-{run}");
            });
            await host.StartAsync();
            try
            {
                var endpoint = host.Services.GetRequiredService<IPublishEndpoint>();
                HedgeProposed Latest() => seen.LastOrDefault()!;
                // 16 accounts hold 1 ETH each with the institution, which holds nothing: −16 ETH = −32,000 at
                // 2,000 against a band of ±10,000: buy 11 ETH (22,000, rounded up to land inside).
                await endpoint.Publish(new CollateralObserved(Batch(1, "0x1", [.. Enumerable.Range(0, Accounts).Select(a => (a, OneEth))])));
                await Eventually.Until(() => seen.Any(p => p.Orders.Count == 1 && p.Orders[0].Size == 11m), "a proposal to buy 11 ETH");
                Assert.Equal(("perp", "buy", 22_000m, 11m), (Latest().Orders[0].Instrument, Latest().Orders[0].Side, Latest().Orders[0].Notional, Latest().Orders[0].Cost));
                // The epoch's reserves hold the 16 ETH: nothing to hedge.
                await endpoint.Publish(new ReservesObserved(1, [], [new ReserveTotal(Eth, new Amount(16 * (System.Numerics.BigInteger)OneEth, 18))], []));
                await Eventually.Until(() => Latest().Exposures.Single().Held == 16m && Latest().Orders.Count == 0, "the reserves counted");
                // The desk shorts 20 ETH by perp: −40,000, buy 15 back.
                await endpoint.Publish(new LedgerEntry($"{run}-desk", "desk", LedgerEntryKind.DeskPerp, Eth, new Amount(20 * (System.Numerics.BigInteger)OneEth, 18), DateTimeOffset.UtcNow) { IsShort = true });
                await Eventually.Until(() => Latest().Exposures.Single().DeskPerp == -20m && Latest().Orders.SingleOrDefault()?.Size == 15m, "the desk's short counted");
            }
            finally
            {
                await host.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task PublishStream(IPublishEndpoint endpoint, string run)
    {
        await endpoint.Publish(new CollateralObserved(Batch(1, "0x1", [.. Enumerable.Range(0, Accounts).Select(a => (a, OneEth))])));
        for (var a = 0; a < Accounts; a++)
        {
            await endpoint.Publish(new LedgerEntry($"{run}-b{a}", $"account-{a}", LedgerEntryKind.Borrow, Usdc, new Amount(1_900_000_000, 6), DateTimeOffset.UtcNow));
        }
        for (var a = 0; a < Accounts; a += 2)
        {
            // Half of them seized on chain before the books say so.
            if (a % 4 == 0)
            {
                await endpoint.Publish(new CollateralObserved(Batch((ulong)(2 + a), $"0x{2 + a:x}", (a, 0))));
            }
            await endpoint.Publish(new LedgerEntry($"{run}-liq{a}", $"account-{a}", LedgerEntryKind.Liquidation, Usdc, new Amount(952_380_952 - a, 6), DateTimeOffset.UtcNow)
            {
                Seized = new SeizedCollateral(Ethereum, Eth, new Amount(OneEth, 18)),
            });
        }
        await endpoint.Publish(new CollateralObserved(Batch(100, "0x100", [.. Enumerable.Range(0, Accounts).Where(a => a % 2 == 0).Select(a => (a, 0UL))])));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("rabbitmq")]
    public async Task A_liquidation_that_exhausts_the_collateral_draws_the_fund_once_and_the_fund_survives_restarts(string bus)
    {
        var run = Guid.NewGuid().ToString("N");
        var state = Directory.CreateTempSubdirectory("aggregator-baddebt-").FullName;
        try
        {
            var transport = Transport(bus);
            (BigInteger, BigInteger, BigInteger, BigInteger, BigInteger) usdc, eth;
            using (var host = Build(transport, run, state, EnginePartition.Whole, risk: true))
            {
                await host.StartAsync();
                var fund = host.Services.GetRequiredService<InsuranceFundBook>();
                await PublishStream(host.Services.GetRequiredService<IPublishEndpoint>(), run);
                await Eventually.Until(() => fund.Of(Usdc).Recorded == Recorded && fund.Of(Eth).Credited > 0, "the risk role recorded every deficit");
                usdc = fund.Of(Usdc);
                eth = fund.Of(Eth);
                // The 500 USDC fund covered the first 500 of them; the rest is the institution's.
                Assert.Equal((BigInteger.Zero, BigInteger.Zero, new BigInteger(500_000_000), Recorded, Recorded - 500_000_000), usdc);
                // 8 fees of floor(1e18 · 0.05 / 1.05 · 0.1) wei.
                Assert.Equal(8 * BigInteger.Parse("4761904761904761", System.Globalization.CultureInfo.InvariantCulture), eth.Item1); // the balance
                await host.StopAsync();
            }

            // Restarted: the engine replays its journal (the deficits included, nothing recorded twice) and
            // announces everything again on its first write; the risk role takes none of it twice.
            using (var host = Build(transport, run, state, EnginePartition.Whole, risk: true))
            {
                await host.StartAsync();
                var fund = host.Services.GetRequiredService<InsuranceFundBook>();
                var engine = host.Services.GetRequiredService<EngineBook>();
                Assert.Equal((usdc, eth), (fund.Of(Usdc), fund.Of(Eth))); // from disk
                var endpoint = host.Services.GetRequiredService<IPublishEndpoint>();
                // A deficit from the bus would erase a debt: only the engine writes one, by its rule.
                await endpoint.Publish(new LedgerEntry($"{run}-forged", "account-1", LedgerEntryKind.Deficit, Usdc, new Amount(1_900_000_000, 6), DateTimeOffset.UtcNow));
                await endpoint.Publish(new CollateralObserved(Batch(101, "0x101", (1, OneEth))));
                await Eventually.Until(() => engine.AppliedHeight(Ethereum) == 101 && engine.Unannounced().Count == 0, "the engine announced its journal again");
                Assert.Equal(0m, engine.Book.Requirement(0)); // the deficit stays written off
                Assert.Equal(1900m, engine.Book.Requirement(engine.Book.TryFindAccount("account-1", out var owing) ? owing : -1)); // the forged one was refused
                // The risk queue is consumed in order: once a marker behind the repeats is in, the repeats were seen.
                await endpoint.Publish(new LiquidationRecorded($"{run}-marker", "account-1", Usdc, new Amount(1, 6), DateTimeOffset.UtcNow));
                await Eventually.Until(() => fund.Of(Usdc).Credited == 1, "the risk role took the marker");
                Assert.Equal(Recorded, fund.Of(Usdc).Recorded);
                Assert.Equal(eth, fund.Of(Eth));
                await host.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task Two_engine_partitions_give_the_risk_role_exactly_what_one_engine_gives()
    {
        var transport = Transport("rabbitmq");
        async Task<((BigInteger, BigInteger, BigInteger, BigInteger, BigInteger) Usdc, (BigInteger, BigInteger, BigInteger, BigInteger, BigInteger) Eth)> Run(params EnginePartition[] partitions)
        {
            var run = Guid.NewGuid().ToString("N");
            var states = partitions.Select(_ => Directory.CreateTempSubdirectory("aggregator-baddebt-").FullName).ToArray();
            var hosts = partitions.Select((p, i) => Build(transport, run, states[i], p, risk: i == 0)).ToArray();
            try
            {
                foreach (var host in hosts)
                {
                    await host.StartAsync();
                }
                var fund = hosts[0].Services.GetRequiredService<InsuranceFundBook>();
                await PublishStream(hosts[0].Services.GetRequiredService<IPublishEndpoint>(), "stream");
                await Eventually.Until(() => fund.Of(Usdc).Recorded == Recorded && fund.Of(Eth).Credited == 8 * BigInteger.Parse("4761904761904761", System.Globalization.CultureInfo.InvariantCulture), "the risk role heard every partition");
                return (fund.Of(Usdc), fund.Of(Eth));
            }
            finally
            {
                await StopAndDelete(hosts, states);
            }
        }
        var one = await Run(EnginePartition.Whole);
        var two = await Run(new EnginePartition(0, 2), new EnginePartition(1, 2));
        Assert.Equal(one, two);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("rabbitmq")]
    public async Task A_bankrupt_perp_is_deleveraged_against_the_best_ranked_shorts_of_every_partition(string bus)
    {
        // The worked example of Aggregator.Engine.Tests.LiveDeleveragingTests: the fund pays 500 of a 1,300
        // shortfall; account-1 (partition 0 of 2) gives 5 ETH and account-2 (partition 1) 1.1538 at 1,830.
        const string PerpParams = FundParams + """, "perps": { "ETH": { "maintenanceMarginRate": "0.05" } } """;
        var run = Guid.NewGuid().ToString("N");
        EnginePartition[] partitions = bus == "memory" ? [EnginePartition.Whole] : [new EnginePartition(0, 2), new EnginePartition(1, 2)];
        var states = partitions.Select(_ => Directory.CreateTempSubdirectory("aggregator-adl-").FullName).ToArray();
        var seen = new System.Collections.Concurrent.ConcurrentQueue<DeleveragingPlanned>();
        var transport = Transport(bus);
        var hosts = partitions.Select((p, i) => Build(transport, run, states[i], p, risk: i == 0, PerpParams, i > 0 ? null : b =>
        {
            b.AddSingleton(seen);
            b.AddConsumer<Seen<DeleveragingPlanned>>().Endpoint(e => e.Name = $"desk-{run}");
        })).ToArray();
        try
        {
            foreach (var host in hosts)
            {
                await host.StartAsync();
            }
            var endpoint = hosts[0].Services.GetRequiredService<IPublishEndpoint>();
            await endpoint.Publish(new CollateralObserved(Batch(1, "0x1", (0, OneEth), (1, OneEth), (2, 2 * OneEth), (3, OneEth))));
            foreach (var (account, size, entry) in new[] { (0, 10m, 2000m), (1, -5m, 2000m), (2, -4m, 1800m), (3, -3m, 1600m) })
            {
                await endpoint.Publish(new LedgerEntry($"{run}-p{account}", $"account-{account}", LedgerEntryKind.Perp, Eth, new Amount(new BigInteger(Math.Abs(size) * OneEth), 18), DateTimeOffset.UtcNow)
                {
                    IsShort = size < 0,
                    EntryPrice = entry,
                });
            }
            await endpoint.Publish(new PricesObserved([new PriceObservation(Eth, "feed-a", 1700m, DateTimeOffset.UtcNow)]));
            await Eventually.Until(() => !seen.IsEmpty, "the risk role planned the deleveraging");
            var plan = Assert.Single(seen);
            var closed = BigInteger.Parse("6153846153846153847", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(($"perp:account-0:{run}-p0", "account-0"), (plan.Id, plan.BankruptAccount));
            Assert.Equal(
                [("account-1", 5 * new BigInteger(OneEth), 1830m), ("account-2", closed - 5 * new BigInteger(OneEth), 1830m)],
                plan.Reductions.Select(r => (r.Counterparty, r.Quantity.BaseUnits, r.BankruptcyPrice)));
            Assert.Empty(plan.Unfilled);
            var fund = hosts[0].Services.GetRequiredService<InsuranceFundBook>();
            Assert.Equal((BigInteger.Zero, new BigInteger(800_000_000)), (fund.Of(Usdc).Balance, fund.Deleveraged(Usdc)));
        }
        finally
        {
            await StopAndDelete(hosts, states);
        }
    }
}
