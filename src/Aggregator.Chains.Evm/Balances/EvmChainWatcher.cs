using Aggregator.Core.Observations;

namespace Aggregator.Chains.Evm.Balances;

/// <summary>
/// Polls one chain: reports a batch for each new pinned height and, when the block hash at a height it
/// already reported has changed (a reorg deeper than the confirmations), a corrected batch for that
/// height. Remembers the last <paramref name="remembered"/> reported heights.
/// </summary>
public sealed class EvmChainWatcher(EvmBalanceReader reader, int remembered = 64)
{
    private readonly SortedDictionary<ulong, string> _reported = [];

    /// <summary>Corrections first (oldest height first), then the new height if there is one.</summary>
    public async Task<IReadOnlyList<ObservationBatch>> PollAsync(CancellationToken cancellationToken = default)
    {
        var batches = new List<ObservationBatch>();
        foreach (var (height, hash) in _reported.ToArray())
        {
            var now = await reader.BlockHashAtAsync(height, cancellationToken).ConfigureAwait(false);
            if (now != hash)
            {
                var corrected = await reader.ReadAtAsync(height, now, cancellationToken).ConfigureAwait(false);
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
