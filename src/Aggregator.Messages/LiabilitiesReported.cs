namespace Aggregator.Messages;

/// <summary>
/// One engine partition's answer, or part <paramref name="Part"/> of <paramref name="Parts"/> of it
/// (a partition's accounts go in parts of at most 10,000, so no message nears a broker's size limit):
/// the block it last applied per chain (the heights its figures are at), and per account what the
/// institution owes it per asset, in base units of each asset's decimals (its collateral summed over
/// chains; debts owed to the institution are not netted). Every part is taken between the same two
/// writes of the partition's book, so every figure is at exactly those heights. <paramref name="Problems"/>
/// says why some figure is not what the chain holds at those heights (a balance that could not be read,
/// a newer batch the engine refused); the prover closes no epoch on such an answer.
/// </summary>
public sealed record LiabilitiesReported(
    Guid RequestId,
    int Partition,
    int PartitionCount,
    IReadOnlyList<AppliedBlock> Heights,
    IReadOnlyList<LiabilityAsset> Assets,
    IReadOnlyList<AccountLiabilities> Accounts,
    int Part = 0,
    int Parts = 1,
    IReadOnlyList<string>? Problems = null);
