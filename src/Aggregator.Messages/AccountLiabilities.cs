namespace Aggregator.Messages;

/// <summary>One account's liabilities, in the order of <see cref="LiabilitiesReported.Assets"/>.</summary>
public sealed record AccountLiabilities(string Account, IReadOnlyList<UInt128> BaseUnits);
