using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// The risk role asks every engine partition for the counterparties of a perp shortfall the insurance fund
/// could not cover (docs/margin.md, "Live auto-deleveraging"): per need, the opposite positions on the asset,
/// best ranked first, enough to cover its quantity. Sent again until every partition has answered.
/// </summary>
public sealed record DeleveragingCandidatesRequested(string Id, string BankruptAccount, IReadOnlyList<DeleveragingNeed> Needs, DateTimeOffset At);

/// <summary><paramref name="Quantity"/> base units of <paramref name="Asset"/> to close against positions that are short when <paramref name="CounterpartiesShort"/>.</summary>
public sealed record DeleveragingNeed(AssetId Asset, bool CounterpartiesShort, Amount Quantity);

/// <summary>
/// One partition's answer to <see cref="DeleveragingCandidatesRequested"/> <paramref name="Id"/>: for each need,
/// its accounts' opposite positions with positive equity, ranked, up to the first whose sizes together cover
/// the quantity (so the partitions' answers together hold the institution-wide best).
/// </summary>
public sealed record DeleveragingCandidatesReported(string Id, int Partition, int PartitionCount, IReadOnlyList<DeleveragingCandidate> Candidates, DateTimeOffset At);

/// <summary>
/// An account's perp on <paramref name="Asset"/>: <paramref name="Size"/> base units, short when
/// <paramref name="IsShort"/>, opened at <paramref name="EntryPrice"/>, marked at <paramref name="MarkPrice"/>,
/// in a cross pool of <paramref name="Equity"/> (collateral value + unrealized PnL − debt value).
/// </summary>
public sealed record DeleveragingCandidate(string Account, AssetId Asset, Amount Size, bool IsShort, decimal EntryPrice, decimal MarkPrice, decimal Equity);

/// <summary>
/// The risk role's plan for a perp shortfall (<paramref name="Id"/>, the <see cref="BadDebtRecorded"/>'s): each
/// counterparty's position reduced by a quantity at the bankrupt perp's bankruptcy price, in rank order, and
/// per asset what no counterparty could take. Planned once; the desk executes it and reports the positions back
/// as <see cref="LedgerEntryKind.Perp"/> entries.
/// </summary>
public sealed record DeleveragingPlanned(string Id, string BankruptAccount, IReadOnlyList<PerpReduction> Reductions, IReadOnlyList<DeleveragingNeed> Unfilled, DateTimeOffset At);

/// <summary><paramref name="Counterparty"/>'s perp on <paramref name="Asset"/> (short when <paramref name="CounterpartyShort"/>) reduced by <paramref name="Quantity"/> base units at <paramref name="BankruptcyPrice"/>; its rank when chosen.</summary>
public sealed record PerpReduction(AssetId Asset, decimal BankruptcyPrice, string Counterparty, bool CounterpartyShort, Amount Quantity, decimal Rank);
