using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Core.Observations;
using Aggregator.Engine;
using Aggregator.Margin.Evaluation;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

public class EngineBookTests
{
    private static EngineBook Engine(int accounts = 3)
    {
        var engine = new EngineBook(Settings(accounts).CreateBook());
        for (var i = 0; i < accounts; i++)
        {
            engine.Book.SetDebt(i, engine.Book.AssetIndex(Usdc), 1_500_000_000); // 1500 USDC each
        }
        engine.Book.TakeHealthChanges([]);
        return engine;
    }

    [Fact]
    public void A_batch_is_applied_once_and_reports_the_health_it_changed()
    {
        var engine = Engine();
        var first = engine.Apply(Batch(10, "0xa", (0, OneEth), (1, 2 * OneEth)));
        Assert.True(first.Applied);
        Assert.Equal(2, first.Changes.Count); // both left insolvency
        Assert.Equal(MarginStatus.Healthy, engine.Book.Status(1));

        var replay = engine.Apply(Batch(10, "0xa", (0, OneEth), (1, 2 * OneEth)));
        Assert.False(replay.Applied);
        Assert.Contains("already applied", replay.Reason, StringComparison.Ordinal);
        Assert.Equal(1.1m, engine.Book.HealthFactor(0));
    }

    [Fact]
    public void An_older_height_never_overwrites_a_newer_one()
    {
        var engine = Engine();
        engine.Apply(Batch(10, "0xa", (0, 3 * OneEth)));
        var stale = engine.Apply(Batch(9, "0x9", (0, OneEth / 10)));
        Assert.False(stale.Applied);
        Assert.Equal(3.3m, engine.Book.HealthFactor(0));
    }

    [Fact]
    public void A_reorg_correction_replaces_the_batch_it_names_and_nothing_else()
    {
        var engine = Engine();
        engine.Apply(Batch(10, "0xa", (0, 3 * OneEth)));
        var unexplained = engine.Apply(Batch(10, "0xb", (0, OneEth)));
        Assert.False(unexplained.Applied);
        var correction = engine.Apply(Batch(10, "0xb", (0, OneEth)) with { ReplacesBlockHash = "0xa" });
        Assert.True(correction.Applied);
        Assert.Equal(1.1m, engine.Book.HealthFactor(0));
    }

    [Fact]
    public void Balances_of_addresses_that_are_no_account_s_deposit_are_ignored()
    {
        var engine = Engine(1);
        var batch = Batch(10, "0xa", (0, OneEth)) with { };
        var withReserve = batch with { Balances = [.. batch.Balances, new BalanceObservation("0x00000000000000000000000000000000000000ff", Eth, new Amount(System.Numerics.BigInteger.Pow(10, 21), 18))] };
        Assert.True(engine.Apply(withReserve).Applied);
        Assert.Equal(1.1m, engine.Book.HealthFactor(0));
    }

    [Fact]
    public void An_unknown_asset_other_decimals_or_an_amount_past_the_book_s_range_is_refused_whole()
    {
        var engine = Engine();
        var unknown = new ObservationBatch(Ethereum, 10, "0xa", [new BalanceObservation(Address(0), new("DOGE"), new Amount(5, 8))], []);
        Assert.Contains("does not list", Assert.Throws<InputException>(() => engine.Apply(unknown)).Message, StringComparison.Ordinal);
        var rescaled = new ObservationBatch(Ethereum, 10, "0xa", [new BalanceObservation(Address(0), Eth, new Amount(5, 6))], []);
        Assert.Contains("the book counts it in 18", Assert.Throws<InputException>(() => engine.Apply(rescaled)).Message, StringComparison.Ordinal);
        foreach (var power in new[] { 110, 130 }) // 2^110 wei is 1.3e15 ETH: beyond what the book values
        {
            var huge = new ObservationBatch(Ethereum, 10, "0xa", [new BalanceObservation(Address(0), Eth, new Amount(System.Numerics.BigInteger.Pow(2, power), 18))], []);
            Assert.Contains("whole units or more, beyond what the engine values", Assert.Throws<InputException>(() => engine.Apply(huge)).Message, StringComparison.Ordinal);
        }
        // Nothing of a refused batch counts, and its height is not taken: the next good batch at 10 applies.
        Assert.Equal(MarginStatus.Insolvent, engine.Book.Status(0));
        Assert.True(engine.Apply(Batch(10, "0xa", (0, OneEth))).Applied);
    }

    [Fact]
    public void A_balance_above_2_to_the_96_base_units_is_held_exactly_and_valued()
    {
        // 2^100 + 1 wei (anvil_setBalance made it; the old engine refused it): more base units than a
        // decimal holds, so the liabilities must come from the exact count, not from the value.
        var engine = Engine();
        var wei = System.Numerics.BigInteger.Pow(2, 100) + 1;
        Assert.True(engine.Apply(new ObservationBatch(Ethereum, 10, "0xa", [new BalanceObservation(Address(0), Eth, new Amount(wei, 18))], [])).Applied);
        Assert.Equal(wei, (System.Numerics.BigInteger)engine.Book.HeldBaseUnits(0, engine.Book.AssetIndex(Eth)));
        Assert.Equal(wei, engine.Book.CrossPositions(0).Collateral.Single().Amount.BaseUnits);
        Assert.True(engine.Book.HealthFactor(0) > 1_000_000m);
        // And back down: the value follows the exact holding.
        Assert.True(engine.Apply(Batch(11, "0xb", (0, OneEth))).Applied);
        Assert.Equal(1.1m, engine.Book.HealthFactor(0));
    }

    [Fact]
    public void A_height_further_ahead_than_the_chain_can_have_advanced_is_refused_and_the_allowance_grows_with_time()
    {
        var clock = new Aggregator.Testing.ManualClock();
        var engine = new EngineBook(Settings(1).CreateBook(), advanceOf: _ => new HeightAdvance(50, 1), clock: clock);
        Assert.True(engine.Apply(Batch(100, "0xa", (0, OneEth))).Applied);
        // A compromised adapter's height far ahead would freeze the chain until it got there.
        var refused = Assert.Throws<InputException>(() => engine.Apply(Batch(1_000_000, "0xf", (0, 9 * OneEth))));
        Assert.Contains("999900 blocks past the applied 100", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => engine.Apply(Batch(151, "0xb", (0, OneEth))));
        Assert.Equal(100ul, engine.AppliedHeight(Ethereum));
        Assert.True(engine.Apply(Batch(150, "0xb", (0, OneEth))).Applied); // exactly the allowance
        // An adapter down for an hour: the chain moved on by as much, and its next batch is taken.
        clock.Now += TimeSpan.FromHours(1);
        Assert.True(engine.Apply(Batch(150 + 3_600 + 50, "0xc", (0, OneEth))).Applied);
        Assert.Equal(ulong.MaxValue, new HeightAdvance(ulong.MaxValue, ulong.MaxValue).Limit(ulong.MaxValue - 1, TimeSpan.FromDays(1))); // saturates, never wraps
        Assert.Equal(ulong.MaxValue, new HeightAdvance(ulong.MaxValue, 0).Limit(ulong.MaxValue - 1, TimeSpan.Zero));
    }

    [Fact]
    public void A_batch_below_a_closed_epoch_s_height_is_refused_even_by_a_restarted_engine()
    {
        var folder = Directory.CreateTempSubdirectory("aggregator-floor-").FullName;
        try
        {
            var file = new EpochFloorFile(Path.Combine(folder, "epoch-floor-engine.json"));
            var engine = Engine(1);
            Assert.True(engine.Apply(Batch(100, "0xa", (0, OneEth))).Applied);
            file.Write(engine.RaiseFloor(1796000000, [(Ethereum, 100ul)]));
            file.Write(engine.RaiseFloor(1796000001, [(Ethereum, 90ul)])); // a floor never goes down
            // Restarted: nothing applied yet, and an adapter's old batch comes first (a replay, a lagging node).
            var restarted = Engine(1);
            restarted.RaiseFloor(file.Read().Select(f => (f.Key, f.Value)));
            var refused = Assert.Throws<InputException>(() => restarted.Apply(Batch(99, "0x9", (0, 9 * OneEth))));
            Assert.Contains("at height 99 is below 100, where epoch 1796000000 was closed", refused.Message, StringComparison.Ordinal);
            Assert.Null(restarted.AppliedHeight(Ethereum));
            Assert.True(restarted.Apply(Batch(100, "0xa", (0, OneEth))).Applied);
            File.WriteAllText(Path.Combine(folder, "epoch-floor-engine.json"), "{\"eip155:1\": 5}");
            Assert.Contains("not a map of chains to heights", Assert.Throws<InputException>(() => file.Read()).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_large_batch_split_across_the_cores_leaves_what_its_balances_applied_one_by_one_leave()
    {
        // Large enough for the parallel lookups and writes; accounts repeated (the later balance wins) and
        // addresses that are no account's deposit scattered through it.
        const int accounts = 400;
        var random = new Random(7);
        var balances = Enumerable.Range(0, 3_000).Select(i => i % 10 == 9
            ? new BalanceObservation($"0x{0xdead0000 + i:x40}", Eth, new Amount(OneEth, 18))
            : new BalanceObservation(Address(random.Next(accounts)), Eth, new Amount((ulong)random.Next(1, 4_000) * (OneEth / 1_000), 18))).ToList();
        var batched = Engine(accounts);
        var applied = batched.Apply(new ObservationBatch(Ethereum, 10, "0xa", balances, []));
        Assert.Contains("2700 balances", applied.Reason, StringComparison.Ordinal);

        var oneByOne = Engine(accounts);
        for (var i = 0; i < balances.Count; i++)
        {
            oneByOne.Apply(new ObservationBatch(Ethereum, 10 + (ulong)i, $"0x{i:x}", [balances[i]], []));
        }
        for (var account = 0; account < accounts; account++)
        {
            Assert.Equal(
                (oneByOne.Book.HeldBaseUnits(account, 0), oneByOne.Book.Status(account), oneByOne.Book.HealthFactor(account)),
                (batched.Book.HeldBaseUnits(account, 0), batched.Book.Status(account), batched.Book.HealthFactor(account)));
        }
    }
}
