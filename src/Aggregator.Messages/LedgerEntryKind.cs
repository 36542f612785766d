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
}
