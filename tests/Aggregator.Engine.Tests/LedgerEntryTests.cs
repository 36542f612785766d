using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Engine;
using Aggregator.Margin.Evaluation;
using Aggregator.Messages;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

public class LedgerEntryTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    private static LedgerEntry Entry(string id, LedgerEntryKind kind, ulong usdcBaseUnits, string account = "account-0") =>
        new(id, account, kind, Usdc, new Amount(usdcBaseUnits, 6), At);

    [Fact]
    public void Borrowing_and_repaying_move_the_debt_once_per_entry()
    {
        var engine = new EngineBook(Settings(1).CreateBook());
        engine.Apply(Batch(1, "0x1", (0, OneEth))); // 1 ETH: weighted 1650
        var borrow = engine.Apply(Entry("e1", LedgerEntryKind.Borrow, 1_500_000_000));
        Assert.True(borrow.Applied);
        Assert.Equal(MarginStatus.Healthy, engine.Book.Status(0)); // 1650 / 1500 = 1.1
        Assert.Equal(1500m, engine.Book.Requirement(0));

        Assert.False(engine.Apply(Entry("e1", LedgerEntryKind.Borrow, 1_500_000_000)).Applied); // replayed
        Assert.Equal(1500m, engine.Book.Requirement(0));

        engine.Apply(Entry("e2", LedgerEntryKind.Borrow, 500_000_000));
        Assert.Equal(MarginStatus.Liquidatable, engine.Book.Status(0)); // 1650 / 2000
        engine.Apply(Entry("e3", LedgerEntryKind.Repay, 1_000_000_000));
        Assert.Equal(1000m, engine.Book.Requirement(0));
        Assert.True(engine.Apply(Entry("e4", LedgerEntryKind.Deposit, 5)).Applied); // off-chain holdings: not counted yet
        Assert.Equal(1000m, engine.Book.Requirement(0));
    }

    [Fact]
    public void A_borrow_too_large_to_value_is_refused_leaves_the_book_as_it_was_and_later_entries_apply()
    {
        var engine = new EngineBook(Settings(1).CreateBook());
        engine.Apply(Batch(1, "0x1", (0, OneEth)));
        engine.Apply(Entry("e1", LedgerEntryKind.Borrow, 1_000_000));
        var huge = new LedgerEntry("e2", "account-0", LedgerEntryKind.Borrow, Usdc, new Amount(System.Numerics.BigInteger.Pow(10, 29), 6), At);
        for (var attempt = 0; attempt < 3; attempt++) // the bus retries a failed message: each attempt changes nothing
        {
            var refused = Assert.Throws<InputException>(() => engine.Apply(huge));
            Assert.Contains("beyond what the engine can value", refused.Message, StringComparison.Ordinal);
            Assert.Equal(1m, engine.Book.Requirement(0));
        }
        Assert.True(engine.Apply(Entry("e3", LedgerEntryKind.Repay, 1_000_000)).Applied); // a valid 1 USDC repayment
        Assert.Equal(0m, engine.Book.Requirement(0));
        Assert.Equal(2, engine.LedgerEntriesApplied); // e1 and e3, not e2
    }

    [Fact]
    public void An_entry_the_books_cannot_have_meant_is_refused_and_changes_nothing()
    {
        var engine = new EngineBook(Settings(1).CreateBook());
        engine.Apply(Entry("e1", LedgerEntryKind.Borrow, 100));
        Assert.Contains("owes 100", Assert.Throws<InputException>(() => engine.Apply(Entry("e2", LedgerEntryKind.Repay, 101))).Message, StringComparison.Ordinal);
        Assert.Contains("does not know", Assert.Throws<InputException>(() => engine.Apply(Entry("e3", LedgerEntryKind.Borrow, 1, "mallory"))).Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => engine.Apply(new LedgerEntry("e4", "account-0", LedgerEntryKind.Borrow, Usdc, new Amount(1, 18), At)));
        Assert.Throws<InputException>(() => engine.Apply(new LedgerEntry("e5", "account-0", LedgerEntryKind.Borrow, new("DOGE"), new Amount(1, 8), At)));
        Assert.Equal(0.0001m, engine.Book.Requirement(0));
        // A refused entry is not remembered: the corrected one under the same id applies.
        Assert.True(engine.Apply(Entry("e2", LedgerEntryKind.Repay, 100)).Applied);
    }
}
