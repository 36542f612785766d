namespace Aggregator.Messages;

/// <summary>
/// Every pool whose status or health band changed in one write of the engine (one batch of observations,
/// one price tick, one ledger entry), in one message: a price tick can move many thousands of accounts at
/// once, and one message per account would cost more than the evaluation itself. On the wire the list is
/// one compact binary string (registered with the bus: docs/messages.md).
/// </summary>
public sealed record AccountsHealthChanged(
    IReadOnlyList<AccountHealthChanged> Changes);
