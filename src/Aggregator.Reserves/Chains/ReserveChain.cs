using Aggregator.Core.Observations;
using Aggregator.Core.Ownership;
using Aggregator.Reserves.Configuration;

namespace Aggregator.Reserves.Chains;

/// <summary>
/// A chain of the reserves, ready to read: its reader, its reserve addresses, its family's ownership
/// check, and for an EVM chain its blocks by time and how many confirmations it trusts (a sampled window
/// must end below latest − confirmations). Solana has no past state to sample: no clock.
/// </summary>
public sealed record ReserveChain(
    IChainReader Reader,
    IReadOnlyList<ReserveAddress> Addresses,
    Func<OwnershipClaim, OwnershipMessage, OwnershipCheck> VerifyOwnership)
{
    public Aggregator.Chains.Evm.Blocks.BlockClock? Clock { get; init; }

    public uint Confirmations { get; init; }
}
