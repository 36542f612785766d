using Aggregator.Core.Observations;

namespace Aggregator.Messages;

/// <summary>
/// One chain's balances at one pinned height (EVM: latest − confirmations; Solana: finalized), as one
/// batch: chain, height, block hash, every watched address's balance per asset in base units, the reads
/// that failed, and after a reorg the block hash the batch replaces. Consumers apply a batch once: the
/// same chain, height and hash again changes nothing, and an older height never overwrites a newer one.
/// On the wire the batch is one compact binary string (registered with the bus: docs/messages.md).
/// A large batch travels in <see cref="Parts"/> messages (<see cref="Split"/>), part <see cref="Part"/>
/// of them holding a slice of the balances under the same header; consumers act on the whole batch only,
/// once every part is in (the engine's CollateralAssembly).
/// </summary>
public sealed record CollateralObserved(ObservationBatch Batch, int Part = 0, int Parts = 1)
{
    /// <summary>
    /// Balances per message: about 0.7 MB on the wire. A batch of every watched address at a million
    /// accounts holds millions of balances, beyond the message size a broker takes (RabbitMQ refuses
    /// bodies over 128 MiB by default). Measured at a million accounts (bench/RESULTS.md): parts of
    /// 10,000 carried 631k observations/s into the engine in memory and 527k over RabbitMQ; parts of
    /// 50,000 only 286k and 466k (bodies that large cost the garbage collector more than they save).
    /// </summary>
    public const int MaxBalancesPerPart = 10_000;

    /// <summary>The batch as the messages that carry it: one when it is small, else parts of at most <paramref name="maxBalances"/> balances (the read failures travel with the first).</summary>
    public static IReadOnlyList<CollateralObserved> Split(ObservationBatch batch, int maxBalances = MaxBalancesPerPart)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBalances, 1);
        if (batch.Balances.Count <= maxBalances)
        {
            return [new CollateralObserved(batch)];
        }
        var parts = (batch.Balances.Count + maxBalances - 1) / maxBalances;
        return [.. Enumerable.Range(0, parts).Select(part => new CollateralObserved(
            batch with
            {
                Balances = [.. batch.Balances.Skip(part * maxBalances).Take(maxBalances)],
                Failures = part == 0 ? batch.Failures : [],
            },
            part,
            parts))];
    }
}
