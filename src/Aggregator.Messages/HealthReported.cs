namespace Aggregator.Messages;

/// <summary>
/// One engine partition's accounts as of one moment between two writes, or part <paramref name="Part"/>
/// of <paramref name="Parts"/> of them (at most 10,000 accounts a part, as for liabilities, so no message
/// nears a broker's size limit; every part is taken between the same two writes): the blocks applied per
/// chain, whether the book is rebuilt (every chain back since the replica started), the ledger entries
/// applied, and each account's status, health factor, weighted collateral and requirement in the quote
/// currency.
/// </summary>
public sealed record HealthReported(
    Guid RequestId,
    int Partition,
    int PartitionCount,
    IReadOnlyList<AppliedBlock> Heights,
    bool Rebuilt,
    int LedgerEntries,
    IReadOnlyList<AccountStatus> Accounts,
    int Part = 0,
    int Parts = 1);
