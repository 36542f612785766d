using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// A movement in the institution's own books (docs/messages.md, "Ledger entries"): an account borrows, repays, deposits or
/// withdraws off chain, or is liquidated. <paramref name="EntryId"/> is unique per entry, so a replayed entry changes
/// nothing; <paramref name="Amount"/> is in base units of <paramref name="Asset"/>.
/// </summary>
public sealed record LedgerEntry(string EntryId, string Account, LedgerEntryKind Kind, AssetId Asset, Amount Amount, DateTimeOffset At)
{
    /// <summary>For a <see cref="LedgerEntryKind.Liquidation"/> only: the collateral the liquidator seized.</summary>
    public SeizedCollateral? Seized { get; init; }

    /// <summary>For a <see cref="LedgerEntryKind.DeskPerp"/> or <see cref="LedgerEntryKind.Perp"/> only: the position is short.</summary>
    public bool IsShort { get; init; }

    /// <summary>For a <see cref="LedgerEntryKind.Perp"/> only: the average price the position was opened at, per whole unit.</summary>
    public decimal EntryPrice { get; init; }
}
