using Aggregator.Core.Chains;
using Aggregator.Core.Observations;

namespace Aggregator.Host.Prover;

/// <summary>
/// The adapters' recent batches per chain, as the engines received them: the prover counts the reserves
/// in the very batch whose height and hash the engines' liabilities are at (on Solana, whose RPC cannot
/// read a past slot, this is the only way to have both at one slot). Keeps the last
/// <paramref name="kept"/> heights per chain, and of each batch only the reserve addresses' balances
/// and failures (a batch holds every account's deposit address too).
/// </summary>
internal sealed class ObservationHistory(Func<ChainId, string, bool> isReserve, int kept = 32)
{
    private readonly Dictionary<ChainId, SortedDictionary<ulong, List<ObservationBatch>>> _chains = [];
    private readonly Messages.CollateralAssembly _assembly = new();

    /// <summary>Keeps a whole batch; a part is kept until its batch is whole (a reserve address may be in any part).</summary>
    public void Add(Messages.CollateralObserved message)
    {
        if (_assembly.Add(message) is { } batch)
        {
            Add(batch);
        }
    }

    public void Add(ObservationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch = batch with
        {
            Balances = [.. batch.Balances.Where(b => isReserve(batch.Chain, b.Address))],
            Failures = [.. batch.Failures.Where(f => f.Address is null || isReserve(batch.Chain, f.Address))],
        };
        lock (_chains)
        {
            if (!_chains.TryGetValue(batch.Chain, out var heights))
            {
                _chains[batch.Chain] = heights = [];
            }
            if (!heights.TryGetValue(batch.Height, out var batches))
            {
                heights[batch.Height] = batches = [];
            }
            if (!batches.Any(b => b.BlockHash == batch.BlockHash))
            {
                batches.Add(batch);
            }
            while (heights.Count > kept)
            {
                heights.Remove(heights.Keys.First());
            }
        }
    }

    /// <summary>The batch of a chain at a height under a block hash, if it is still held.</summary>
    public ObservationBatch? Find(ChainId chain, ulong height, string blockHash)
    {
        lock (_chains)
        {
            return _chains.TryGetValue(chain, out var heights) && heights.TryGetValue(height, out var batches)
                ? batches.FirstOrDefault(b => b.BlockHash == blockHash)
                : null;
        }
    }
}
