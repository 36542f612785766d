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
/// publishes one batch per height (and a corrected batch after a reorg). A chain that cannot be read is
/// reported and polled again; nothing is guessed.
/// </summary>
internal sealed partial class AdapterService(IChainReader reader, TimeSpan interval, IBus bus, ILogger<AdapterService> log) : BackgroundService
{
    private readonly ChainWatcher _watcher = new(reader);
    private ObservationBatch? _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var batch in await _watcher.PollAsync(stoppingToken).ConfigureAwait(false))
                {
                    await bus.Publish(new CollateralObserved(batch), stoppingToken).ConfigureAwait(false);
                    Volatile.Write(ref _latest, batch);
                    Published(log, batch.Chain, batch.Height, batch.Balances.Count);
                }
            }
            catch (Exception error) when (error is ChainReadFailedException or ChainMismatchException or ChainReorganizedException)
            {
                ReadFailed(log, reader.Name, error.Message);
            }
            await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes the latest batch again (for a replica rebuilding its book); nothing before the first.</summary>
    public async Task RepublishLatestAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _latest) is { } latest)
        {
            await bus.Publish(new CollateralObserved(latest), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "published {Chain} at height {Height}: {Balances} balances")]
    private static partial void Published(ILogger logger, ChainId chain, ulong height, int balances);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Chain} could not be read: {Reason}")]
    private static partial void ReadFailed(ILogger logger, string chain, string reason);
}
