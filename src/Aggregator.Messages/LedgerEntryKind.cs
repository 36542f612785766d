namespace Aggregator.Messages;

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

    /// <summary>
    /// A liquidation was executed: a liquidator repaid the amount of the debt (it shrinks, as by a
    /// repayment) and seized <see cref="LedgerEntry.Seized"/> of the account's collateral. The engine only
    /// plans liquidations; this is how it learns one happened (docs/margin.md, "Live bad debt").
    /// </summary>
    Liquidation,

    /// <summary>
    /// What a liquidated account still owed once the chains showed none of its collateral left, written
    /// off its debt: recorded by the engine itself in its journal, never taken from the bus.
    /// </summary>
    Deficit,

    /// <summary>
    /// The institution's desk now holds the amount of the asset spot (a snapshot of the whole position,
    /// not a trade): kept by the risk role for the net exposure; <see cref="LedgerEntry.Account"/> names the desk.
    /// </summary>
    DeskSpot,

    /// <summary>
    /// The desk's perp position in the asset is now the amount, short when <see cref="LedgerEntry.IsShort"/>
    /// (a snapshot, like <see cref="DeskSpot"/>).
    /// </summary>
    DeskPerp,

    /// <summary>
    /// The account's perp on the asset is now the amount (a snapshot of the whole position, not a trade;
    /// zero closes it), short when <see cref="LedgerEntry.IsShort"/>, opened at <see cref="LedgerEntry.EntryPrice"/>.
    /// It sits in the account's cross pool, marked at the asset's oracle price (docs/margin.md, "Live perps").
    /// </summary>
    Perp,
}
