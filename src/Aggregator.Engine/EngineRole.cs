using Aggregator.Host;
using Aggregator.Host.Bus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Engine;

/// <summary>
/// The engine role: consumes observations, prices and the institution's ledger entries into the live book and
/// publishes health changes, margin calls and liquidation plans, and answers the prover's requests for liabilities. One queue ("engine"), one message at a time: the book has
/// a single writer.
/// </summary>
internal static class EngineRole
{
    public const string QueueName = BusIdentity.Engine;

    /// <param name="partition">The accounts this replica owns (all by default).</param>
    /// <param name="queue">The replica's queue (the partition's by default; tests give each run its own).</param>
    public static void Add(IServiceCollection services, IBusRegistrationConfigurator bus, EngineSettings settings, EnginePartition partition, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(settings);
        queue ??= partition.Queue;
        var others = partition.Count <= 1 ? null : settings.Accounts.Select(a => a.Id).Where(id => !partition.Owns(id)).ToHashSet(StringComparer.Ordinal);
        var state = settings.StateDirectory;
        services.AddSingleton(new LedgerJournal(state is null ? null : Path.Combine(state, $"ledger-{partition.Queue}.jsonl")));
        services.AddSingleton(new EpochFloorFile(state is null ? null : Path.Combine(state, $"epoch-floor-{partition.Queue}.json")));
        if (state is not null)
        {
            // The journal is written at every ledger entry: a directory that cannot be written stops the
            // start, rather than every entry failing into the error queue.
            services.AddStartupCheck(() => StartupChecks.WritableDirectory(state, "the engine's state directory"));
        }
        // Registration has no side effects: the book is built, its journal replayed and its floor read
        // when the host starts and first asks for it (the hosted services below), before any consumer runs.
        services.AddSingleton(provider =>
        {
            // A book of a million accounts is millions of live objects: a blocking full collection pauses
            // the engine for most of a second (measured 665 ms in a price tick). Full collections stay in
            // the background unless memory runs short.
            System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
            var engine = new EngineBook(settings.CreateBook(partition), others, partition, settings.PriceSources, settings.AdvanceOf);
            foreach (var entry in provider.GetRequiredService<LedgerJournal>().Read())
            {
                engine.Apply(entry);
            }
            engine.RaiseFloor(provider.GetRequiredService<EpochFloorFile>().Read().Select(f => (f.Key, f.Value)));
            return engine;
        });
        // Before publishing anything the replica rebuilds its balances: it asks the adapters for their
        // latest batches once the bus is up.
        services.AddSingleton<IHostedService>(provider => new ReplayRequest(
            provider.GetRequiredService<IBus>(), provider.GetRequiredService<StopGrace>(), provider.GetRequiredService<IHostApplicationLifetime>(), provider.GetRequiredService<EngineBook>(), queue, ReplayRequest.Interval, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IHostedService>(provider => new StalenessCheck(
            provider.GetRequiredService<EngineBook>(), provider.GetRequiredService<IBus>(), provider.GetRequiredService<StopGrace>(), StalenessCheck.Interval, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IHostedService>(provider => new ExposureReport(
            provider.GetRequiredService<EngineBook>(), provider.GetRequiredService<IBus>(), provider.GetRequiredService<StopGrace>(), settings.ExposureInterval, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IHostedService>(provider => new ViewPublication(
            provider.GetRequiredService<EngineBook>(), provider.GetRequiredService<IBus>(), provider.GetRequiredService<StopGrace>(), ViewPublication.Interval, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new EngineQueue(queue));
        bus.AddConsumer<CollateralObservedConsumer, OneWriterConsumerDefinition<CollateralObservedConsumer, EngineQueue>>();
        bus.AddConsumer<LedgerEntryConsumer, OneWriterConsumerDefinition<LedgerEntryConsumer, EngineQueue>>();
        bus.AddConsumer<PricesObservedConsumer, OneWriterConsumerDefinition<PricesObservedConsumer, EngineQueue>>();
        bus.AddConsumer<HealthRequestedConsumer, OneWriterConsumerDefinition<HealthRequestedConsumer, EngineQueue>>();
        bus.AddConsumer<AccountViewsRequestedConsumer, OneWriterConsumerDefinition<AccountViewsRequestedConsumer, EngineQueue>>();
        bus.AddConsumer<RiskRequestedConsumer, OneWriterConsumerDefinition<RiskRequestedConsumer, EngineQueue>>();
        bus.AddConsumer<EpochClosedConsumer, OneWriterConsumerDefinition<EpochClosedConsumer, EngineQueue>>();
        bus.AddConsumer<DeleveragingCandidatesRequestedConsumer, OneWriterConsumerDefinition<DeleveragingCandidatesRequestedConsumer, EngineQueue>>();
        services.TryAddSingleton(TimeProvider.System);
    }
}

/// <summary>A role's one queue, which all its consumers share.</summary>
internal interface IRoleQueue
{
    string Name { get; }
}

/// <summary>The replica's queue, which all its consumers share.</summary>
internal sealed record EngineQueue(string Name) : IRoleQueue;

/// <summary>
/// Every consumer of a one-writer role (an engine replica, the risk role) on its one queue, one message at
/// a time (a limit on the endpoint, not on each consumer): observations, prices and ledger entries, or the
/// fund's events, are applied in the order they arrive, by one writer.
/// </summary>
internal sealed class OneWriterConsumerDefinition<TConsumer, TQueue> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
    where TQueue : IRoleQueue
{
    public OneWriterConsumerDefinition(TQueue queue) => Endpoint(e =>
    {
        e.Name = queue.Name;
        e.ConcurrentMessageLimit = 1;
    });
}

/// <summary>
/// Prices every quoted asset again every <see cref="Interval"/>, as of now: quotes go stale with time,
/// not with the next quote, so a feed that falls silent freezes its asset in a running engine as it
/// would in one started now. What changes is published as a price tick's changes are.
/// </summary>
internal sealed class StalenessCheck(EngineBook engine, IBus bus, StopGrace grace, TimeSpan interval, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(false);
            var outcome = engine.Reprice(clock.GetUtcNow());
            if (!outcome.Applied && outcome.Changes.Count == 0)
            {
                continue; // no price or status moved
            }
            try
            {
                await HealthPublication.PublishAsync(bus, engine, outcome.Changes, grace.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The broker is away: these changes are not announced again, but the book, and every
                // answer and later change drawn from it, are right.
            }
        }
    }
}

/// <summary>
/// Publishes the views of the accounts the writes changed (what the api shows, docs/messages.md), in
/// rounds at most every <see cref="Interval"/>, off the writer's path: a view evaluates its account's pool
/// whole and costs several times the write that changed it, so views taken after every write held the
/// engine to a fraction of its rate (issue 26). An account changed many times between two rounds is shown
/// once, as it is then. A round shows at most <see cref="RoundSize"/> accounts, and the next waits nine
/// times as long as the round took: under a stream that changes accounts faster than views can be built,
/// views keep at most a tenth of the time, and a reader's view is older (it says the heights and sequence
/// it is as of), never wrong.
/// </summary>
internal sealed class ViewPublication(EngineBook engine, IBus bus, StopGrace grace, TimeSpan interval, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Accounts shown in one round (tens of milliseconds of views).</summary>
    public const int RoundSize = 10_000;

    // The share of the time views may keep: after a round that took t, the next waits (Busy - 1) t.
    private const int Busy = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(pause, clock, stoppingToken).ConfigureAwait(false);
            var started = clock.GetTimestamp();
            var views = engine.TakeChangedViews(RoundSize);
            try
            {
                await bus.PublishBatch(views, grace.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                engine.NotShown(views); // the broker is away: shown again in a later round
            }
            var took = clock.GetElapsedTime(started);
            pause = took * (Busy - 1) > interval ? took * (Busy - 1) : interval;
        }
    }
}

/// <summary>
/// Reports the replica's totals per asset to the risk role every <paramref name="interval"/> once the
/// book is rebuilt (<see cref="Messages.ExposureReported"/>): the risk role sums every partition's into
/// the institution's net exposure. Sent whether or not they changed, so a restarted risk role has them all
/// within one interval.
/// </summary>
internal sealed class ExposureReport(EngineBook engine, IBus bus, StopGrace grace, TimeSpan interval, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(false);
            if (engine.Exposure(clock.GetUtcNow()) is not { } report)
            {
                continue;
            }
            try
            {
                await bus.Publish(report, grace.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The broker is away: the next interval reports again.
            }
        }
    }
}

/// <summary>
/// Asks the adapters for their latest batches once the host has started (the bus is up by then), and
/// again every <paramref name="interval"/> (<see cref="Interval"/> in service) until every chain is back:
/// a request published while the broker was down, or while an adapter was restarting, is not the end of
/// the rebuild. Batches sent twice are applied once.
/// </summary>
internal sealed class ReplayRequest(IBus bus, StopGrace grace, IHostApplicationLifetime lifetime, EngineBook engine, string requester, TimeSpan interval, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        while (!engine.Rebuilt)
        {
            try
            {
                await bus.Publish(new Messages.ObservationsReplayRequested(requester, clock.GetUtcNow()), grace.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The broker is not there yet: the next round asks again.
            }
            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(false);
        }
    }
}
