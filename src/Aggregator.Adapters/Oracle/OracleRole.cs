using Aggregator.Chains.Evm.Prices;
using Aggregator.Core.Assets;
using Aggregator.Host.Bus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Adapters.Oracle;

/// <summary>What the oracle role reads: feed readers (one per chain) and fixed prices.</summary>
public sealed record OracleSources(IReadOnlyList<EvmPriceFeedReader> Feeds, IReadOnlyDictionary<AssetId, decimal> FixedPrices);

/// <summary>The oracle role's registration: one hosted service polling every feed.</summary>
internal static class OracleRole
{
    public static void Add(IServiceCollection services, OracleSources settings, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IHostedService>(provider => new OracleService(
            settings.Feeds, settings.FixedPrices, interval, provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IBus>(), provider.GetRequiredService<StopGrace>(), provider.GetRequiredService<ILogger<OracleService>>()));
    }
}
