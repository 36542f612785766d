using Aggregator.Core.Chains;

namespace Aggregator.Core.Observations;

/// <summary>
/// Reads the watched addresses of one chain: every balance at one pinned height, as one batch. One
/// implementation per chain family; the reserves sweep, its verification and the adapter role use only this.
/// </summary>
public interface IChainReader
{
    /// <summary>The configured name of the chain (for messages).</summary>
    string Name { get; }

    /// <summary>The chain read.</summary>
    ChainId Chain { get; }

    /// <summary>Every watched balance at the chain's pinned height (EVM: latest − confirmations; Solana: finalized).</summary>
    /// <exception cref="ChainMismatchException">The node or a token contradicts the configuration.</exception>
    /// <exception cref="ChainReadFailedException">The node failed beyond the retries.</exception>
    Task<ObservationBatch> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The balances at a recorded height again. EVM reads exactly that block and fails with
    /// <see cref="ChainReorganizedException"/> when its hash is no longer <paramref name="blockHash"/>;
    /// Solana's RPC serves current state only, so it reads the finalized slot at or after
    /// <paramref name="height"/> (the batch's height says which).
    /// </summary>
    Task<ObservationBatch> RereadAsync(ulong height, string blockHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// The hash of the block at a height as the node sees it now, to notice reorgs below a reported
    /// height; null where a pinned height cannot be reorganized (Solana's finalized slots).
    /// </summary>
    Task<string?> BlockHashAtAsync(ulong height, CancellationToken cancellationToken = default);
}
