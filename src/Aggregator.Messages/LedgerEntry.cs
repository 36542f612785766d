using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// A movement in the institution's own books (docs/messages.md, "Ledger entries"): an account borrows, repays, deposits or
/// withdraws off chain. <paramref name="EntryId"/> is unique per entry, so a replayed entry changes
/// nothing; <paramref name="Amount"/> is in base units of <paramref name="Asset"/>.
/// </summary>
public sealed record LedgerEntry(string EntryId, string Account, LedgerEntryKind Kind, AssetId Asset, Amount Amount, DateTimeOffset At);

/// <summary>What a ledger entry does to the account's position in the books.</summary>
public enum LedgerEntryKind
{
    /// <summary>The account's debt grows.</summary>
    Borrow,

    /// <summary>The account's debt shrinks.</summary>
    Repay,

    /// <summary>The institution holds more for the account off chain.</summary>
    Deposit,

    /// <summary>The institution holds less for the account off chain.</summary>
    Withdraw,
}
