using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Core.Observations;
using Aggregator.Messages;

namespace Aggregator.Host.Bus;

/// <summary>
/// Puts a batch that travels in parts (<see cref="CollateralObserved.Split"/>) back together: each part is
/// kept until every part of its batch (chain, height, block hash) is in, in any order, each once; then the
/// whole batch is handed out, its balances in part order. A part seen again is ignored. At most
/// <paramref name="keptPerChain"/> incomplete batches are kept per chain, the lowest height dropped first,
/// and at most <see cref="MaxPending"/> in all, the oldest dropped first, so parts that never complete
/// (or name made-up chains) cannot fill the memory. An engine that restarts asks the adapters for their
/// latest batch again, so nothing acknowledged is lost. Thread-safe. It lives with the engine, the one
/// role that takes batches from the bus; the contracts stay plain records.
/// </summary>
internal sealed class CollateralAssembly(int keptPerChain = 4)
{
    /// <summary>More parts than this is not a batch any adapter sends: refused rather than waited for.</summary>
    public const int MaxParts = 100_000;

    /// <summary>Incomplete batches kept in all.</summary>
    public const int MaxPending = 64;

    private readonly Dictionary<(ChainId Chain, ulong Height, string BlockHash), ObservationBatch?[]> _pending = [];
    private readonly Queue<(ChainId Chain, ulong Height, string BlockHash)> _arrival = []; // oldest first; may hold keys already gone

    /// <summary>The whole batch once <paramref name="message"/> completes it (at once for a batch in one part), else null.</summary>
    /// <exception cref="InputException">A part number out of range, or a part that disagrees with the others of its batch.</exception>
    public ObservationBatch? Add(CollateralObserved message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var batch = message.Batch;
        if (message.Parts is < 1 or > MaxParts || message.Part < 0 || message.Part >= message.Parts)
        {
            throw new InputException($"{batch.Chain} at height {batch.Height}: part {message.Part} of {message.Parts} is not a part of a batch (parts 1..{MaxParts}, numbered from 0)", field: "part");
        }
        if (message.Parts == 1)
        {
            return batch;
        }
        var key = (batch.Chain, batch.Height, batch.BlockHash);
        lock (_pending)
        {
            if (!_pending.TryGetValue(key, out var parts))
            {
                _pending[key] = parts = new ObservationBatch?[message.Parts];
                _arrival.Enqueue(key);
                DropBeyondLimits(batch.Chain);
            }
            if (parts.Length != message.Parts || (parts.FirstOrDefault(p => p is not null) is { } other && other.ReplacesBlockHash != batch.ReplacesBlockHash))
            {
                throw new InputException($"{batch.Chain} at height {batch.Height} ({batch.BlockHash}): part {message.Part} of {message.Parts} disagrees with the parts already received ({parts.Length} parts)", field: "parts");
            }
            parts[message.Part] ??= batch;
            if (Array.IndexOf(parts, null) >= 0)
            {
                return null;
            }
            _pending.Remove(key);
            return batch with
            {
                Balances = [.. parts.SelectMany(p => p!.Balances)],
                Failures = [.. parts.SelectMany(p => p!.Failures)],
            };
        }
    }

    /// <summary>How many batches wait for parts.</summary>
    public int Pending
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    private void DropBeyondLimits(ChainId chain)
    {
        var ofChain = _pending.Keys.Where(k => k.Chain == chain).OrderBy(k => k.Height).ToList();
        foreach (var stale in ofChain.Take(Math.Max(0, ofChain.Count - keptPerChain)))
        {
            _pending.Remove(stale);
        }
        while (_pending.Count > MaxPending && _arrival.TryDequeue(out var oldest))
        {
            _pending.Remove(oldest);
        }
        if (_arrival.Count > 4 * MaxPending)
        {
            // Forget the keys of batches already completed or dropped.
            var live = _arrival.Where(_pending.ContainsKey).ToList();
            _arrival.Clear();
            live.ForEach(_arrival.Enqueue);
        }
    }
}
