using Aggregator.Core.Amounts;
using Aggregator.Engine;
using Aggregator.Messages;
using Aggregator.Testing;

namespace Aggregator.Engine.Tests;

/// <summary>What the engine shows the api after each write: the accounts the write changed, with their figures.</summary>
public sealed class AccountViewsTests
{
    private static EngineBook Engine(int accounts) => new(EngineFixtures.Settings(accounts).CreateBook());

    private static IReadOnlyList<AccountViewsChanged> ViewsAfter(EngineBook engine, Func<EngineBook, EngineBook.Outcome> write)
    {
        write(engine);
        return engine.TakeChangedViews();
    }

    private static string[] Shown(IReadOnlyList<AccountViewsChanged> views) => [.. views.SelectMany(v => v.Accounts).Select(a => a.Account).Order()];

    [Fact]
    public void Nothing_is_shown_before_the_rebuild_and_every_account_at_the_write_that_completes_it()
    {
        var engine = Engine(3);
        engine.Apply(new LedgerEntry("e1", "account-0", LedgerEntryKind.Borrow, EngineFixtures.Usdc, new Amount(1_000_000, 6), DateTimeOffset.UtcNow));
        Assert.Empty(engine.TakeChangedViews());
        engine.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth)));
        var views = engine.TakeChangedViews();
        Assert.Equal(["account-0", "account-1", "account-2"], Shown(views));
        Assert.Equal(1UL, Assert.Single(views[0].Heights).Height);
    }

    [Fact]
    public void After_the_rebuild_a_write_shows_only_the_accounts_it_changed_and_every_write_is_numbered()
    {
        var engine = Engine(3);
        var first = ViewsAfter(engine, e => e.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth), (1, EngineFixtures.OneEth))));
        // Account 1's balance moves, account 0's does not.
        var second = ViewsAfter(engine, e => e.Apply(EngineFixtures.Batch(2, "0x02", (0, EngineFixtures.OneEth), (1, 2 * EngineFixtures.OneEth))));
        Assert.Equal(["account-1"], Shown(second));
        Assert.True(second[0].Sequence > first[0].Sequence);
        var view = second[0].Accounts[0];
        Assert.Equal(new Amount(2 * EngineFixtures.OneEth, 18), Assert.Single(view.Collateral).Amount);
        Assert.Equal(4000m, view.CollateralValue);
        // A ledger entry shows its account.
        var third = ViewsAfter(engine, e => e.Apply(new LedgerEntry("e2", "account-2", LedgerEntryKind.Borrow, EngineFixtures.Usdc, new Amount(1_000_000, 6), DateTimeOffset.UtcNow)));
        Assert.Equal(["account-2"], Shown(third));
        // A write that changes nothing still tells the reader the heights and prices (one message, no account).
        var fourth = ViewsAfter(engine, e => e.Apply(EngineFixtures.Batch(3, "0x03", (0, EngineFixtures.OneEth), (1, 2 * EngineFixtures.OneEth))));
        Assert.Empty(Assert.Single(fourth).Accounts);
        Assert.Equal(3UL, fourth[0].Heights[0].Height);
        // No write since: nothing to show.
        Assert.Empty(engine.TakeChangedViews());
    }

    [Fact]
    public void Writes_between_two_takes_are_shown_once_each_account_as_it_is_now()
    {
        var engine = Engine(4);
        ViewsAfter(engine, e => e.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth))));
        engine.Apply(EngineFixtures.Batch(2, "0x02", (1, EngineFixtures.OneEth), (3, EngineFixtures.OneEth)));
        engine.Apply(EngineFixtures.Batch(3, "0x03", (1, 3 * EngineFixtures.OneEth), (3, EngineFixtures.OneEth)));
        var views = engine.TakeChangedViews();
        Assert.Equal(["account-1", "account-3"], Shown(views));
        Assert.Equal(new Amount(3 * EngineFixtures.OneEth, 18), Assert.Single(views[0].Accounts.Single(a => a.Account == "account-1").Collateral).Amount);
        Assert.Equal(3UL, Assert.Single(views[0].Heights).Height);
    }

    [Fact]
    public void A_take_of_at_most_n_accounts_leaves_the_rest_for_the_next_which_goes_on_where_it_stopped()
    {
        var engine = Engine(200);
        ViewsAfter(engine, e => e.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth))));
        engine.Apply(EngineFixtures.Batch(2, "0x02", [.. Enumerable.Range(0, 200).Select(i => (i, EngineFixtures.OneEth + (ulong)i + 1))]));
        var first = Shown(engine.TakeChangedViews(70));
        // Account 0 changes again: it waits its turn behind the accounts not shown yet.
        engine.Apply(EngineFixtures.Batch(3, "0x03", (0, 2 * EngineFixtures.OneEth)));
        var second = Shown(engine.TakeChangedViews(70));
        var third = Shown(engine.TakeChangedViews(70));
        Assert.Equal(70, first.Length);
        Assert.Equal(70, second.Length);
        Assert.DoesNotContain("account-0", second);
        Assert.Equal(61, third.Length); // the last 60 and account 0 again
        Assert.Contains("account-0", third);
        Assert.Equal(200, first.Concat(second).Concat(third).Distinct().Count());
        Assert.Empty(engine.TakeChangedViews(70));
    }

    [Fact]
    public void Views_not_sent_are_shown_again_in_the_next_take()
    {
        var engine = Engine(3);
        ViewsAfter(engine, e => e.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth))));
        var lost = ViewsAfter(engine, e => e.Apply(EngineFixtures.Batch(2, "0x02", (2, EngineFixtures.OneEth))));
        engine.NotShown(lost);
        var again = engine.TakeChangedViews();
        Assert.Equal(["account-2"], Shown(again));
        Assert.True(again[0].Sequence > lost[0].Sequence);
    }

    [Fact]
    public void A_large_write_comes_in_messages_of_at_most_a_thousand_views()
    {
        var engine = Engine(2_500);
        var views = ViewsAfter(engine, e => e.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth))));
        Assert.Equal([1_000, 1_000, 500], views.Select(v => v.Accounts.Count));
        Assert.Single(views.Select(v => v.Sequence).Distinct());
        Assert.Equal(2_500, engine.AllViews().Sum(v => v.Accounts.Count));
    }
}
