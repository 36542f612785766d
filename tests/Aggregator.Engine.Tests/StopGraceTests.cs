using Aggregator.Composition;
using Aggregator.Engine;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>What a background publication does with a publish in flight when the host stops.</summary>
public sealed class StopGraceTests
{
    /// <summary>Holds the first publish of <typeparamref name="TMessage"/> before it reaches the transport, and records how each ends.</summary>
    private sealed class HeldPublish<TMessage> : IPublishObserver
        where TMessage : class
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _held;
        private int _delivered;
        private int _faulted;

        public Task Entered => _entered.Task;

        public int Delivered => Volatile.Read(ref _delivered);

        public int Faulted => Volatile.Read(ref _faulted);

        public void Release() => _released.TrySetResult();

        public async Task PrePublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is TMessage && Interlocked.Exchange(ref _held, 1) == 0)
            {
                _entered.TrySetResult();
                await _released.Task.ConfigureAwait(false);
            }
        }

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is TMessage)
            {
                Interlocked.Increment(ref _delivered);
            }
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class
        {
            if (context.Message is TMessage)
            {
                Interlocked.Increment(ref _faulted);
            }
            return Task.CompletedTask;
        }
    }

    // A view round publishing through a real in-memory bus, its publish held until the test has stopped it.
    // The host's own engine is never rebuilt, so it shows no views of its own.
    // With graceEnds the grace is zero, and the publish is released only once it has ended.
    private static async Task<(int Delivered, int Faulted)> StopMidRound(bool graceEnds)
    {
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Engine = Settings(3), EngineQueue = $"engine-{Guid.NewGuid():N}" });
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            var held = new HeldPublish<AccountViewsChanged>();
            using var tap = bus.ConnectPublishObserver(held);
            var engine = new EngineBook(Settings(3).CreateBook());
            engine.Apply(Batch(1, "0x1", (0, OneEth))); // the rebuild completes: every account is to be shown
            using var hostStopping = new CancellationTokenSource();
            using var stopGrace = new StopGrace(TimeProvider.System, graceEnds ? TimeSpan.Zero : TimeSpan.FromMinutes(5), hostStopping.Token);
            using var publication = new ViewPublication(engine, bus, stopGrace, TimeSpan.FromMilliseconds(10), TimeProvider.System);
            await publication.StartAsync(CancellationToken.None);
            await held.Entered.WaitAsync(TimeSpan.FromSeconds(30));
            // The host stops: the grace starts, and the service's own stopping token is cancelled as its stop begins.
            await hostStopping.CancelAsync();
            var stopped = publication.StopAsync(CancellationToken.None);
            if (graceEnds)
            {
                await Aggregator.Testing.Eventually.Until(() => stopGrace.Token.IsCancellationRequested, "the grace ends");
            }
            held.Release();
            await stopped.WaitAsync(TimeSpan.FromSeconds(30));
            return (held.Delivered, held.Faulted);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_view_round_publishing_when_the_host_stops_is_delivered_not_cut_off()
    {
        var (delivered, faulted) = await StopMidRound(graceEnds: false);
        Assert.Equal((1, 0), (delivered, faulted));
    }

    [Fact]
    public async Task A_publish_still_in_flight_when_the_grace_ends_is_cancelled_so_the_stop_is_bounded()
    {
        var (delivered, faulted) = await StopMidRound(graceEnds: true);
        Assert.Equal((0, 1), (delivered, faulted));
    }

    [Fact]
    public async Task The_grace_starts_when_the_host_starts_stopping_and_not_before()
    {
        using var hostStopping = new CancellationTokenSource();
        using var longGrace = new StopGrace(TimeProvider.System, TimeSpan.FromMinutes(5), hostStopping.Token);
        using var noGrace = new StopGrace(TimeProvider.System, TimeSpan.Zero, hostStopping.Token);
        Assert.False(longGrace.Token.IsCancellationRequested);
        Assert.False(noGrace.Token.IsCancellationRequested);
        await hostStopping.CancelAsync();
        Assert.False(longGrace.Token.IsCancellationRequested);
        await Aggregator.Testing.Eventually.Until(() => noGrace.Token.IsCancellationRequested, "a grace of zero ends");
    }

    [Fact]
    public async Task Every_host_shares_one_grace_that_ends_after_it_starts_stopping()
    {
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Engine = Settings(3), EngineQueue = $"engine-{Guid.NewGuid():N}" });
        var grace = host.Services.GetRequiredService<StopGrace>();
        Assert.Same(grace, host.Services.GetRequiredService<StopGrace>());
        await host.StartAsync();
        Assert.False(grace.Token.IsCancellationRequested);
        await host.StopAsync();
        await Aggregator.Testing.Eventually.Until(() => grace.Token.IsCancellationRequested, "the grace ends after the stop");
    }
}
