using Aggregator.Messages;
using Aggregator.Proving;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Host.Prover;

/// <summary>
/// The prover role: closes epochs when asked (or on its schedule), one at a time, on the "prover" queue;
/// gathers the engines' answers and the adapters' batches on "prover-reports"; serves inclusion proofs
/// (request and response) on "prover-inclusion".
/// </summary>
public static class ProverRole
{
    public const string QueueName = "prover";

    public static void Add(IServiceCollection services, IBusRegistrationConfigurator bus, ProverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddSingleton<LiabilitiesCollector>();
        services.AddSingleton(new ObservationHistory(settings.IsReserve));
        services.AddSingleton<EpochCloser>();
        // Native: the keys are loaded once (at the first proof) and kept; no Node process per proof.
        services.AddSingleton<IProver>(_ => new NativeProver(
            ProvingKeys.Locate(settings.KeysDirectory),
            settings.KeysDirectory is { } keys ? VerificationKeys.At(keys) : VerificationKeys.Installed()));
        services.AddSingleton<HttpClient>();
        bus.AddConsumer<EpochCloseRequestedConsumer>().Endpoint(e =>
        {
            e.Name = QueueName;
            e.ConcurrentMessageLimit = 1;
        });
        bus.AddConsumer<LiabilitiesReportedConsumer>().Endpoint(e => e.Name = $"{QueueName}-reports");
        bus.AddConsumer<ObservationHistoryConsumer>().Endpoint(e => e.Name = $"{QueueName}-reports");
        bus.AddConsumer<InclusionProofRequestedConsumer>().Endpoint(e =>
        {
            e.Name = $"{QueueName}-inclusion";
            e.ConcurrentMessageLimit = 1;
        });
        if (settings.CloseEvery is { } every)
        {
            services.AddSingleton<IHostedService>(provider => new EpochSchedule(provider.GetRequiredService<IBus>(), every, TimeProvider.System));
        }
    }
}

/// <summary>Asks for an epoch close every <paramref name="every"/>, the epoch being the unix time of the request.</summary>
internal sealed class EpochSchedule(IBus bus, TimeSpan every, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = clock.GetUtcNow();
            await bus.Publish(new EpochCloseRequested((ulong)now.ToUnixTimeSeconds(), now), stoppingToken).ConfigureAwait(false);
        }
    }
}
