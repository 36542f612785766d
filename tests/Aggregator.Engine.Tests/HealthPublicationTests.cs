using System.Collections.Concurrent;
using Aggregator.Composition;
using Aggregator.Engine;
using Aggregator.Host.Bus;
using Aggregator.Margin.Evaluation;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>What the engine publishes after a price tick, and in which order.</summary>
public class HealthPublicationTests
{
    private const int Accounts = 300; // more than one core's share: the plans are made in parallel

    [Fact]
    public async Task A_tick_publishes_its_plans_first_then_its_calls_then_its_health_changes_and_each_plan_is_the_planners()
    {
        var queue = $"engine-{Guid.NewGuid():N}";
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Engine = Settings(Accounts), EngineQueue = queue });
        var engine = host.Services.GetRequiredService<EngineBook>();
        var usdc = engine.Book.AssetIndex(Usdc);
        for (var i = 0; i < Accounts; i++)
        {
            engine.Book.SetDebt(i, usdc, 1_500_000_000 + ((ulong)i * 1_000_000)); // HF 1.1 down to 0.9 at ETH 2000
        }
        engine.Apply(Batch(1, "0x1", [.. Enumerable.Range(0, Accounts).Select(i => (i, OneEth))]));
        engine.Book.TakeHealthChanges([]);
        var published = new ConcurrentQueue<object>();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            using var tap = bus.ConnectPublishObserver(new Aggregator.Testing.PublishTap(published.Enqueue));
            await bus.Publish(new PricesObserved([new PriceObservation(Eth, "feed", 1500m, DateTimeOffset.UtcNow)]));
            await Aggregator.Testing.Eventually.Until(() => published.OfType<AccountsHealthChanged>().Sum(h => h.Changes.Count) == Accounts, "every account's health change");

            var kinds = published.Select(m => m.GetType()).Where(t => t == typeof(LiquidationsPlanned) || t == typeof(MarginCalls) || t == typeof(AccountsHealthChanged)).ToList();
            Assert.True(kinds.LastIndexOf(typeof(LiquidationsPlanned)) < kinds.IndexOf(typeof(MarginCalls)), string.Join(", ", kinds.Select(k => k.Name)));
            Assert.True(kinds.LastIndexOf(typeof(MarginCalls)) < kinds.IndexOf(typeof(AccountsHealthChanged)), string.Join(", ", kinds.Select(k => k.Name)));

            // At 1500 every account is below 1 (1 ETH · 1500 · 0.825 < 1500 USDC): a plan each, equal to the planner's own.
            var plans = published.OfType<LiquidationsPlanned>().SelectMany(p => p.Plans).ToList();
            Assert.Equal(Accounts, plans.Select(p => p.Account).Distinct().Count());
            foreach (var plan in plans)
            {
                Assert.True(engine.Book.TryFindAccount(plan.Account, out var account));
                var expected = PoolEvaluator.PlanLiquidation(engine.Book.CrossPositions(account), engine.Book.HealthFactor(account), engine.Book.Market)!;
                Assert.Equal((expected.DebtAsset, expected.DebtToCover, expected.CollateralAsset, expected.CollateralToSeize), (plan.DebtAsset, plan.DebtToCover, plan.CollateralAsset, plan.CollateralToSeize));
                Assert.Equal(engine.Book.HealthFactor(account), plan.HealthFactor);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
