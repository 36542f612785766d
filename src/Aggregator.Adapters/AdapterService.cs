using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using Aggregator.Reserves.Chains;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Adapters;

/// <summary>
/// The adapter role for one chain: follows its pinned heights through a <see cref="ChainWatcher"/> and
/// publishes one batch per height (and a corrected batch after a reorg), a large one in parts. A chain
/// that cannot be read is reported and polled again; nothing is guessed. A batch the bus did not take
/// (the broker restarting, or an engine's queue full and refusing publishes) is published again next
/// round, unless a newer one is read meanwhile: a batch is the chain's whole state at its height, so
/// only the newest is kept (memory stays bounded however long the bus refuses). Parts already
/// published arrive twice, which the consumers ignore.
/// </summary>
internal sealed partial class AdapterService(IChainReader reader, TimeSpan interval, IBus bus, StopGrace grace, ILogger<AdapterService> log) : BackgroundService
{
    /// <summary>How long a batch's publication may wait for the broker before the chain is read again.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    private readonly ChainWatcher _watcher = new(reader);
    private ObservationBatch? _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ObservationBatch? unpublished = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var read in await _watcher.PollAsync(stoppingToken).ConfigureAwait(false))
                {
                    unpublished = read;
                }
            }
            catch (Exception error) when (error is ChainReadFailedException or ChainMismatchException or ChainReorganizedException)
            {
                ReadFailed(log, reader.Name, error.Message);
            }
            if (unpublished is { } batch)
            {
                // The broker refuses a publish while an engine's queue is full, and MassTransit tries again
                // until it is taken or given up: given up after a while, so the chain is read again and
                // the newest batch goes next.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(grace.Token);
                wait.CancelAfter(PublishTimeout);
                try
                {
                    await bus.PublishBatch(CollateralObserved.Split(batch), wait.Token).ConfigureAwait(false);
                    unpublished = null;
                    Volatile.Write(ref _latest, batch);
                    Published(log, batch.Chain, batch.Height, batch.Balances.Count);
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    PublishFailed(log, reader.Name, batch.Height, error is OperationCanceledException ? $"not taken within {PublishTimeout.TotalSeconds:0} s" : error.Message);
                }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Chain}: the batch at height {Height} waits for the bus: {Reason}")]
    private static partial void PublishFailed(ILogger logger, string chain, ulong height, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Chain} could not be read: {Reason}")]
    private static partial void ReadFailed(ILogger logger, string chain, string reason);
}
