using Aggregator.Composition;
using Aggregator.Core.Amounts;
using Aggregator.Core.Observations;
using Aggregator.Engine;
using Aggregator.Host.Bus;
using Aggregator.Margin.Evaluation;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>What the engine hands out while it rebuilds, what it answers the prover, and which plans it makes.</summary>
public class RebuildAndSnapshotTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static LedgerEntry Borrow(string id, int account, ulong usdc) =>
        new(id, $"account-{account}", LedgerEntryKind.Borrow, Usdc, new Amount(usdc, 6), At);

    [Fact]
    public async Task A_restarted_engine_asks_for_the_latest_batches_until_every_chain_is_back_then_stops()
    {
        var engine = new EngineBook((Settings(2) with { Chains = [Ethereum, Solana] }).CreateBook());
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory));
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        var requests = 0;
        using var tap = bus.ConnectPublishObserver(new Aggregator.Testing.PublishTap(message =>
        {
            if (message is ObservationsReplayRequested { Requester: "engine-test" })
            {
                Interlocked.Increment(ref requests);
            }
        }));
        using var replay = new ReplayRequest(bus, host.Services.GetRequiredService<StopGrace>(), host.Services.GetRequiredService<IHostApplicationLifetime>(), engine, "engine-test", TimeSpan.FromMilliseconds(50), TimeProvider.System);
        await replay.StartAsync(CancellationToken.None);
        try
        {
            // Nobody answers (an adapter restarting, or the first request lost): it keeps asking.
            await Aggregator.Testing.Eventually.Until(() => Volatile.Read(ref requests) >= 3, "three replay requests", TimeSpan.FromSeconds(10));
            engine.Apply(Batch(10, "0xa", (0, OneEth)));
            engine.Apply(new ObservationBatch(Solana, 99, "slot-99", [], []));
            await Task.Delay(200);
            var settled = Volatile.Read(ref requests);
            await Task.Delay(300);
            Assert.Equal(settled, Volatile.Read(ref requests));
        }
        finally
        {
            await replay.StopAsync(CancellationToken.None);
            await host.StopAsync();
        }
    }

    [Fact]
    public void Nothing_is_handed_out_until_every_chain_is_back_and_then_only_the_net_change()
    {
        // Two chains: the debts come back first (a journal), then Ethereum's balances, then Solana's.
        var engine = new EngineBook((Settings(2) with { Chains = [Ethereum, Solana] }).CreateBook());
        Assert.Empty(engine.Apply(Borrow("b0", 0, 1_500_000_000)).Changes); // alone, account-0 looks insolvent
        Assert.Empty(engine.Apply(Borrow("b1", 1, 1_500_000_000)).Changes);
        Assert.False(engine.Rebuilt);
        var ethereum = engine.Apply(Batch(10, "0xa", (0, OneEth), (1, OneEth / 2)));
        Assert.True(ethereum.Applied);
        Assert.Empty(ethereum.Changes); // Solana is not back yet
        var solana = engine.Apply(new ObservationBatch(Solana, 99, "slot-99", [], []));
        Assert.True(engine.Rebuilt);
        // account-0 went insolvent and back to healthy while rebuilding: folded, it did not change at all
        // in status (1.1 is at the warning level) but dropped bands; account-1 is liquidatable.
        var change = Assert.Single(solana.Changes, c => engine.Book.AccountId(c.Account) == "account-1");
        Assert.Equal((MarginStatus.Healthy, MarginStatus.Insolvent), (change.PreviousStatus, change.Status));
        Assert.DoesNotContain(solana.Changes, c => c.PreviousStatus == MarginStatus.Insolvent);
        // From now on every write hands out its own changes.
        Assert.NotEmpty(engine.Apply(Batch(11, "0xb", (1, 3 * OneEth))).Changes);
    }

    [Fact]
    public void A_pool_that_becomes_liquidatable_gets_a_plan_naming_the_debt_and_the_collateral_to_seize()
    {
        var engine = new EngineBook(Settings(1).CreateBook());
        engine.Apply(Borrow("b0", 0, 1_500_000_000));
        engine.Apply(Batch(10, "0xa", (0, OneEth)));
        var tick = engine.Apply(new PricesObserved([new PriceObservation(Eth, "feed", 1500m, At)]), At);
        var change = Assert.Single(tick.Changes);
        Assert.Equal(MarginStatus.Liquidatable, change.Status);
        var (planned, plan) = Assert.Single(engine.LiquidationPlans(tick.Changes));
        Assert.Equal(change, planned);
        Assert.Equal((Usdc, Eth, Ethereum), (plan.DebtAsset, plan.CollateralAsset, plan.CollateralChain));
        // Health 0.825 is below 0.95: the whole debt may be closed, but 1 ETH at 1500 with a 5% bonus covers only 1428.571428 USDC.
        Assert.Equal(new Amount(1_428_571_428, 6), plan.DebtToCover);
        Assert.Empty(engine.LiquidationPlans([change with { Status = MarginStatus.MarginCall }]));
    }

    [Fact]
    public void The_journal_gives_back_every_entry_and_leaves_out_a_torn_last_line()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aggregator-journal-").FullName, "state", "ledger.jsonl");
        var journal = new LedgerJournal(path);
        journal.Append(Borrow("b0", 0, 1_500_000_000));
        journal.Append(Borrow("b1", 1, 1));
        File.AppendAllText(path, "{\"entryId\":\"b2\",\"acc"); // a crash mid-write
        var read = journal.Read();
        Assert.Equal(["b0", "b1"], read.Select(e => e.EntryId));
        Assert.Equal(new Amount(1_500_000_000, 6), read[0].Amount);
        Assert.Empty(new LedgerJournal(null).Read());
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(path))!, recursive: true);
    }

    [Fact]
    public void An_entry_appended_after_a_torn_line_starts_a_line_of_its_own_and_survives_a_restart()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aggregator-journal-").FullName, "ledger.jsonl");
        var journal = new LedgerJournal(path);
        journal.Append(Borrow("b0", 0, 1));
        File.AppendAllText(path, "{\"entryId\":\"b1\",\"acc"); // a crash mid-write
        Assert.Equal(["b0"], journal.Read().Select(e => e.EntryId)); // at start: the torn tail is cut off
        journal.Append(Borrow("b1", 0, 2)); // redelivered, acknowledged
        journal.Append(Borrow("b2", 0, 3));
        Assert.Equal(["b0", "b1", "b2"], new LedgerJournal(path).Read().Select(e => e.EntryId)); // the next restart loses nothing
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void A_journal_corrupt_before_its_last_line_stops_the_start_naming_the_line()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aggregator-journal-").FullName, "ledger.jsonl");
        var journal = new LedgerJournal(path);
        journal.Append(Borrow("b0", 0, 1));
        File.AppendAllText(path, "not json\n");
        journal.Append(Borrow("b2", 0, 3));
        var error = Assert.Throws<Core.Errors.InputException>(journal.Read);
        Assert.Contains(":2", error.Message, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
