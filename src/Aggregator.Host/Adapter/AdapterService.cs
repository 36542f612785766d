using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Aggregator.Messages;
using Aggregator.Reserves.Chains;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Host.Adapter;

/// <summary>
/// The adapter role for one chain: follows its pinned heights through a <see cref="ChainWatcher"/> and
/// publishes one batch per height (and a corrected batch after a reorg), a large one in parts. A chain
/// that cannot be read is reported and polled again; nothing is guessed. A batch the bus did not take
/// (the broker restarting) is published again, in order, before anything newer; parts it had already
/// published arrive twice, which the consumers ignore.
/// </summary>
internal sealed partial class AdapterService(IChainReader reader, TimeSpan interval, IBus bus, ILogger<AdapterService> log) : BackgroundService
{
    private readonly ChainWatcher _watcher = new(reader);
    private ObservationBatch? _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Batches read but not yet confirmed by the bus, oldest first: the watcher reports a height once,
        // so a batch whose publication failed (the broker restarting) is kept and published next round.
        var unpublished = new Queue<ObservationBatch>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var batch in await _watcher.PollAsync(stoppingToken).ConfigureAwait(false))
                {
                    unpublished.Enqueue(batch);
                }
            }
            catch (Exception error) when (error is ChainReadFailedException or ChainMismatchException or ChainReorganizedException)
            {
                ReadFailed(log, reader.Name, error.Message);
            }
            try
            {
                while (unpublished.TryPeek(out var batch))
                {
                    await bus.PublishBatch(CollateralObserved.Split(batch), stoppingToken).ConfigureAwait(false);
                    unpublished.Dequeue();
                    Volatile.Write(ref _latest, batch);
                    Published(log, batch.Chain, batch.Height, batch.Balances.Count);
                }
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested && error is not OperationCanceledException)
            {
                PublishFailed(log, reader.Name, unpublished.Count, error.Message);
            }
            await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes the latest batch again (for a replica rebuilding its book); nothing before the first.</summary>
    public async Task RepublishLatestAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _latest) is { } latest)
        {
            await bus.PublishBatch(CollateralObserved.Split(latest), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "published {Chain} at height {Height}: {Balances} balances")]
    private static partial void Published(ILogger logger, ChainId chain, ulong height, int balances);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Chain}: {Waiting} batches wait for the bus: {Reason}")]
    private static partial void PublishFailed(ILogger logger, string chain, int waiting, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Chain} could not be read: {Reason}")]
    private static partial void ReadFailed(ILogger logger, string chain, string reason);
}
