using Aggregator.Core.Observations;
using Aggregator.Host.Bus;

namespace Aggregator.Adapters;

/// <summary>
/// Follows one chain through its reader, for either family: a batch for each new pinned height and,
/// when the block hash at a height it already reported has changed (an EVM reorg deeper than the
/// confirmations), a corrected batch for that height naming the hash it replaces. Solana's finalized
/// slots are never reorganized, so there a poll only ever adds the new slot. Remembers the last
/// <paramref name="remembered"/> reported heights. One caller at a time.
/// </summary>
internal sealed class ChainWatcher(IChainReader reader, int remembered = 64)
{
    private readonly SortedDictionary<ulong, string> _reported = [];

    /// <summary>Corrections first (oldest height first), then the new height if there is one.</summary>
    public async Task<IReadOnlyList<ObservationBatch>> PollAsync(CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var batches = new List<ObservationBatch>();
        foreach (var (height, hash) in _reported.ToArray())
        {
            if (await reader.BlockHashAtAsync(height, cancellationToken).ConfigureAwait(false) is { } now && now != hash)
            {
                var corrected = await reader.RereadAsync(height, now, cancellationToken).ConfigureAwait(false);
                batches.Add(corrected with { ReplacesBlockHash = hash });
                _reported[height] = now;
            }
        }
        var latest = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!_reported.ContainsKey(latest.Height))
        {
            batches.Add(latest);
            _reported[latest.Height] = latest.BlockHash;
            while (_reported.Count > remembered)
            {
                _reported.Remove(_reported.Keys.First());
            }
        }
        return batches;
    }
}
