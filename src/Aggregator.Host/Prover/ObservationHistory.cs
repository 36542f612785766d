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
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        TaskCompletionSource added;
        lock (_chains)
        {
            (added, _added) = (_added, new(TaskCreationOptions.RunContinuationsAsynchronously));
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
        added.TrySetResult();
    }

    /// <summary>The batch of a chain at a height under a block hash, if it is still held.</summary>
    public ObservationBatch? Find(ChainId chain, ulong height, string blockHash)
    {
        lock (_chains)
        {
            return FindHeld(chain, height, blockHash);
        }
    }

    /// <summary>
    /// The batch of a chain at a height under a block hash, waiting up to <paramref name="wait"/> for it:
    /// the engines and this history read the same batch from different queues, so the engines may have
    /// applied a batch this history has not received yet. Null when it does not come in time.
    /// </summary>
    public async Task<ObservationBatch?> FindAsync(ChainId chain, ulong height, string blockHash, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        while (true)
        {
            Task added;
            lock (_chains)
            {
                if (FindHeld(chain, height, blockHash) is { } batch)
                {
                    return batch;
                }
                added = _added.Task;
            }
            try
            {
                await added.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private ObservationBatch? FindHeld(ChainId chain, ulong height, string blockHash) =>
        _chains.TryGetValue(chain, out var heights) && heights.TryGetValue(height, out var batches)
            ? batches.FirstOrDefault(b => b.BlockHash == blockHash)
            : null;
}
