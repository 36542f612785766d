using Aggregator.Core.Amounts;
using Aggregator.Engine;
using Aggregator.Messages;
using Aggregator.Testing;

namespace Aggregator.Engine.Tests;

/// <summary>What the engine shows the api after each write: the accounts the write changed, with their figures.</summary>
public sealed class AccountViewsTests
{
    private static EngineBook Engine(int accounts) => new(EngineFixtures.Settings(accounts).CreateBook());

    private static string[] Shown(IReadOnlyList<AccountViewsChanged> views) => [.. views.SelectMany(v => v.Accounts).Select(a => a.Account).Order()];

    [Fact]
    public void Nothing_is_shown_before_the_rebuild_and_every_account_at_the_write_that_completes_it()
    {
        var engine = Engine(3);
        engine.Apply(new LedgerEntry("e1", "account-0", LedgerEntryKind.Borrow, EngineFixtures.Usdc, new Amount(1_000_000, 6), DateTimeOffset.UtcNow));
        Assert.Empty(engine.ChangedViews([]));
        var outcome = engine.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth)));
        var views = engine.ChangedViews(outcome.Changes);
        Assert.Equal(["account-0", "account-1", "account-2"], Shown(views));
        Assert.Equal(1UL, Assert.Single(views[0].Heights).Height);
    }

    [Fact]
    public void After_the_rebuild_a_write_shows_only_the_accounts_it_changed_and_every_write_is_numbered()
    {
        var engine = Engine(3);
        var first = engine.ChangedViews(engine.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth), (1, EngineFixtures.OneEth))).Changes);
        // Account 1's balance moves, account 0's does not.
        var second = engine.ChangedViews(engine.Apply(EngineFixtures.Batch(2, "0x02", (0, EngineFixtures.OneEth), (1, 2 * EngineFixtures.OneEth))).Changes);
        Assert.Equal(["account-1"], Shown(second));
        Assert.True(second[0].Sequence > first[0].Sequence);
        var view = second[0].Accounts[0];
        Assert.Equal(new Amount(2 * EngineFixtures.OneEth, 18), Assert.Single(view.Collateral).Amount);
        Assert.Equal(4000m, view.CollateralValue);
        // A ledger entry shows its account.
        var third = engine.ChangedViews(engine.Apply(new LedgerEntry("e2", "account-2", LedgerEntryKind.Borrow, EngineFixtures.Usdc, new Amount(1_000_000, 6), DateTimeOffset.UtcNow)).Changes);
        Assert.Equal(["account-2"], Shown(third));
        // A write that changes nothing still tells the reader the heights and prices (one message, no account).
        var fourth = engine.ChangedViews(engine.Apply(EngineFixtures.Batch(3, "0x03", (0, EngineFixtures.OneEth), (1, 2 * EngineFixtures.OneEth))).Changes);
        Assert.Empty(Assert.Single(fourth).Accounts);
        Assert.Equal(3UL, fourth[0].Heights[0].Height);
    }

    [Fact]
    public void A_large_write_comes_in_messages_of_at_most_a_thousand_views()
    {
        var engine = Engine(2_500);
        var views = engine.ChangedViews(engine.Apply(EngineFixtures.Batch(1, "0x01", (0, EngineFixtures.OneEth))).Changes);
        Assert.Equal([1_000, 1_000, 500], views.Select(v => v.Accounts.Count));
        Assert.Single(views.Select(v => v.Sequence).Distinct());
        Assert.Equal(2_500, engine.AllViews().Sum(v => v.Accounts.Count));
    }
}
