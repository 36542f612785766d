using Aggregator.Chains.Evm.Prices;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Adapters.Oracle;

/// <summary>
/// The oracle role: every poll, reads each chain's Chainlink-style feeds (one Multicall3 sweep per chain)
/// and the fixed prices of the configuration, and publishes them as one <see cref="PricesObserved"/>,
/// each quote with its source's own time (a fixed price is as of the poll). A feed that gives no price
/// is reported and left out; the engine's staleness rule then freezes an asset whose feeds all fall silent.
/// </summary>
internal sealed partial class OracleService(
    IReadOnlyList<EvmPriceFeedReader> feeds, IReadOnlyDictionary<AssetId, decimal> fixedPrices, TimeSpan interval, TimeProvider clock, IBus bus, StopGrace grace, ILogger<OracleService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var prices = fixedPrices.Select(p => new PriceObservation(p.Key, OracleConfig.FixedPriceSource, p.Value, now)).ToList();
            foreach (var reader in feeds)
            {
                try
                {
                    foreach (var reading in await reader.ReadAsync(stoppingToken).ConfigureAwait(false))
                    {
                        if (reading.Quote is { } quote)
                        {
                            prices.Add(new PriceObservation(reading.Asset, quote.Source, quote.Price, quote.Timestamp));
                        }
                        else
                        {
                            FeedFailed(log, reading.Source, reading.Failure ?? "no price");
                        }
                    }
                }
                catch (ChainReadFailedException error)
                {
                    FeedFailed(log, "a chain's feeds", error.Message);
                }
            }
            try
            {
                if (prices.Count > 0)
                {
                    await bus.Publish(new PricesObserved(prices), grace.Token).ConfigureAwait(false);
                }
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested && error is not OperationCanceledException)
            {
                // The next round reads the feeds again: a lost round of quotes is replaced, not replayed.
                PublishFailed(log, error.Message);
            }
            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "prices not published (the next round reads them again): {Reason}")]
    private static partial void PublishFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source} gave no price: {Reason}")]
    private static partial void FeedFailed(ILogger logger, string source, string reason);
}
