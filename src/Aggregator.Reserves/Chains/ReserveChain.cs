using Aggregator.Core.Observations;
using Aggregator.Core.Ownership;
using Aggregator.Reserves.Configuration;

namespace Aggregator.Reserves.Chains;

/// <summary>A chain of the reserves, ready to read: its reader, its reserve addresses and its family's ownership check.</summary>
public sealed record ReserveChain(
    IChainReader Reader,
    IReadOnlyList<ReserveAddress> Addresses,
    Func<OwnershipClaim, OwnershipMessage, OwnershipCheck> VerifyOwnership);
