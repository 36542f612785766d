using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Aggregator.Host.Bus;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Configuration;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Adapters;

/// <summary>The adapter role: one watcher per configured chain, reading the reserve addresses and every account's deposit addresses.</summary>
internal static class AdapterRole
{
    /// <summary>Readers for every chain of <paramref name="reserves"/>, watching its reserve addresses and the accounts' <paramref name="deposits"/> there.</summary>
    public static IReadOnlyList<IChainReader> Readers(ReservesConfig reserves, IEnumerable<(ChainId Chain, string Address)> deposits, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(reserves);
        return [.. ReserveChains.Open(reserves.WithDeposits(deposits), http).Select(c => c.Reader)];
    }

    public static void Add(IServiceCollection services, IBusRegistrationConfigurator bus, IReadOnlyList<IChainReader> readers, TimeSpan interval, BusTransport transport)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(readers);
        if (readers.Count == 0)
        {
            return;
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ReplayThrottle>();
        services.AddSingleton(provider => new AdapterFleet([.. readers.Select(reader =>
            new AdapterService(reader, interval, provider.GetRequiredService<IBus>(), provider.GetRequiredService<StopGrace>(), provider.GetRequiredService<ILogger<AdapterService>>()))]));
        for (var i = 0; i < readers.Count; i++)
        {
            var index = i;
            // One hosted service per chain (AddHostedService would keep only one of the same type).
            services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<AdapterFleet>().Services[index]);
        }
        services.AddSingleton(new ReplayQueue(transport.OwnQueue("replay")));
        bus.AddConsumer<ReplayRequestedConsumer, ReplayRequestedConsumerDefinition>();
    }
}

/// <summary>The name of this process's replay queue.</summary>
internal sealed record ReplayQueue(string Name);

/// <summary>
/// Each adapter process answers replay requests on a queue of its own, named for this process (two
/// adapters, or one restarting beside its successor, never contend for one), and temporary: a request is
/// for the adapters running now.
/// </summary>
internal sealed class ReplayRequestedConsumerDefinition : ConsumerDefinition<ReplayRequestedConsumer>
{
    public ReplayRequestedConsumerDefinition(ReplayQueue queue) => Endpoint(e =>
    {
        e.Name = queue.Name;
        e.Temporary = true;
    });
}

/// <summary>This process's adapters, one per chain.</summary>
internal sealed record AdapterFleet(IReadOnlyList<AdapterService> Services);

/// <summary>
/// An engine replica is rebuilding (or the prover misses a batch): every adapter here publishes its
/// chain's latest batch again, at most once per requester per <see cref="ReplayThrottle.Interval"/>.
/// </summary>
internal sealed partial class ReplayRequestedConsumer(AdapterFleet fleet, ReplayThrottle throttle, ILogger<ReplayRequestedConsumer> log) : IConsumer<Messages.ObservationsReplayRequested>
{
    public async Task Consume(ConsumeContext<Messages.ObservationsReplayRequested> context)
    {
        // On RabbitMQ the broker-validated user asks, whatever the message says of itself.
        var requester = BusPublisher.Of(context) ?? context.Message.Requester;
        if (!throttle.Admit(requester))
        {
            Throttled(log, requester);
            return;
        }
        foreach (var adapter in fleet.Services)
        {
            await adapter.RepublishLatestAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "replay request from {Requester} passed over: one was answered less than the throttle's interval ago")]
    private static partial void Throttled(ILogger logger, string requester);
}

/// <summary>
/// At most one replay per requester per <see cref="Interval"/>: each replay republishes every chain's
/// latest batch in full, so a flood of requests would otherwise flood the bus (100 requests made 300
/// batches). A rebuilding engine asks every 5 s, so it is never passed over.
/// </summary>
internal sealed class ReplayThrottle(TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, DateTimeOffset> _answered = new(StringComparer.Ordinal);

    /// <summary>Whether to answer <paramref name="requester"/> now (and, if so, counts this answer).</summary>
    public bool Admit(string requester)
    {
        var now = clock.GetUtcNow();
        lock (_answered)
        {
            if (_answered.TryGetValue(requester, out var last) && now - last < Interval)
            {
                return false;
            }
            _answered[requester] = now;
            return true;
        }
    }
}
