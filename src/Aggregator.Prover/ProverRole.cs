using Aggregator.Host;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using Aggregator.Proving;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Prover;

/// <summary>
/// The prover role: closes epochs when asked (or on its schedule), one at a time, on the "prover" queue
/// (with two provers running, one is its single active consumer and the other stands by); gathers the
/// engines' answers on a queue of its own; serves inclusion proofs (request
/// and response) on "prover-inclusion", and collateral attestations on "prover-attestation".
/// </summary>
internal static class ProverRole
{
    public const string QueueName = "prover";

    public static void Add(IServiceCollection services, IBusRegistrationConfigurator bus, ProverSettings settings, BusTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        // Every close writes its epoch there.
        services.AddStartupCheck(() => StartupChecks.WritableDirectory(settings.Directory, "the epochs directory"));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EpochCloser>();
        // Native: the keys are loaded once (at the first proof) and kept; no Node process per proof.
        services.AddSingleton<IProver>(_ => new NativeProver(ProvingKeys.Locate(settings.KeysDirectory), VerificationKeys.Locate(settings.KeysDirectory)));
        bus.AddConsumer<EpochCloseRequestedConsumer, EpochCloseRequestedConsumerDefinition>();
        services.AddSingleton<EpochTrees>();
        bus.AddConsumer<InclusionProofRequestedConsumer, InclusionProofRequestedConsumerDefinition>();
        bus.AddConsumer<InclusionBatchConsumer, InclusionBatchConsumerDefinition>();
        bus.AddConsumer<CollateralAttestationRequestedConsumer, CollateralAttestationRequestedConsumerDefinition>();
        services.AddHostedService<ProverKeysWarmup>();
        if (settings.Registry is { } registry)
        {
            services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<RegistryStatusRefresh>(provider, registry));
        }
        if (settings.CloseEvery is { } every)
        {
            services.AddSingleton<IHostedService>(provider => new EpochSchedule(provider.GetRequiredService<IBus>(), provider.GetRequiredService<StopGrace>(), every, TimeProvider.System));
        }
    }
}

/// <summary>
/// Closes on the "prover" queue, one at a time, and one close at a time across provers too: on RabbitMQ the
/// queue has a single active consumer (two provers competing for closes published twice).
/// </summary>
internal sealed class EpochCloseRequestedConsumerDefinition : ConsumerDefinition<EpochCloseRequestedConsumer>
{
    public EpochCloseRequestedConsumerDefinition() => Endpoint(e =>
    {
        e.Name = ProverRole.QueueName;
        e.ConcurrentMessageLimit = 1;
    });

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<EpochCloseRequestedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SingleActiveConsumer = true;
        }
    }
}

/// <summary>Inclusion proofs on "prover-inclusion", one at a time.</summary>
internal sealed class InclusionProofRequestedConsumerDefinition : ConsumerDefinition<InclusionProofRequestedConsumer>
{
    public InclusionProofRequestedConsumerDefinition() => Endpoint(e =>
    {
        e.Name = $"{ProverRole.QueueName}-inclusion";
        e.ConcurrentMessageLimit = 1;
    });
}

/// <summary>Collateral attestations on "prover-attestation", one at a time.</summary>
internal sealed class CollateralAttestationRequestedConsumerDefinition : ConsumerDefinition<CollateralAttestationRequestedConsumer>
{
    public CollateralAttestationRequestedConsumerDefinition() => Endpoint(e =>
    {
        e.Name = $"{ProverRole.QueueName}-attestation";
        e.ConcurrentMessageLimit = 1;
    });
}

/// <summary>
/// Asks for an epoch close at every multiple of <paramref name="every"/> (unix seconds), that multiple
/// being the epoch: the epochs are known in advance, so the reserve addresses' owners can sign the next
/// ones ahead of time (an ownership message names its epoch).
/// </summary>
internal sealed class EpochSchedule(IBus bus, StopGrace grace, TimeSpan every, TimeProvider clock) : BackgroundService
{
    /// <summary>The first scheduled epoch after <paramref name="now"/>.</summary>
    public static ulong NextEpoch(DateTimeOffset now, TimeSpan every)
    {
        var seconds = (ulong)every.TotalSeconds;
        var time = (ulong)now.ToUnixTimeSeconds();
        return time - time % seconds + seconds;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var epoch = NextEpoch(clock.GetUtcNow(), every);
            var wait = DateTimeOffset.FromUnixTimeSeconds((long)epoch) - clock.GetUtcNow();
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, clock, stoppingToken).ConfigureAwait(false);
            await bus.Publish(new EpochCloseRequested(epoch, clock.GetUtcNow()), grace.Token).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Loads the native prover's keys for this deployment's circuits when the role starts, in the
/// background, so the first close and the first inclusion request do not pay for it; then, unless the
/// configuration says not to, builds their window multiples (proofs made meanwhile go on without). A
/// key that cannot be loaded is logged here and reported again, with the close or request that needed it.
/// </summary>
internal sealed partial class ProverKeysWarmup(IProver prover, ProverSettings settings, ILogger<ProverKeysWarmup> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => prover is not NativeProver native
        ? Task.CompletedTask
        : Task.Run(() =>
        {
            var assets = settings.Parameters.Assets.Count;
            var circuits = new[] { EpochProofs.SolvencyCircuitName(assets), EpochProofs.InclusionCircuitName(settings.Parameters.Depth, assets) };
            var loaded = new List<string>();
            foreach (var circuit in circuits)
            {
                try
                {
                    native.Load(circuit);
                    Loaded(log, circuit, native.Keys.Directory);
                    loaded.Add(circuit);
                }
                catch (Exception error) when (error is ProverUnavailableException or Core.Errors.InputException or IOException)
                {
                    NotLoaded(log, circuit, error.Message);
                }
            }
            foreach (var circuit in settings.PrecomputeBases ? loaded : [])
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var bytes = native.PrecomputeBases(circuit, stoppingToken);
                Precomputed(log, circuit, clock.Elapsed.TotalSeconds, bytes >> 20);
            }
        }, stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "prover keys of {Circuit} loaded from {Keys}")]
    private static partial void Loaded(ILogger logger, string circuit, string keys);

    [LoggerMessage(Level = LogLevel.Information, Message = "window multiples of {Circuit} built in {Seconds:F1} s ({MiB} MiB): its proofs are faster from now on")]
    private static partial void Precomputed(ILogger logger, string circuit, double seconds, long miB);

    [LoggerMessage(Level = LogLevel.Warning, Message = "prover keys of {Circuit} could not be loaded: {Reason}")]
    private static partial void NotLoaded(ILogger logger, string circuit, string reason);
}
