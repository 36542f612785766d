using Aggregator.Api.Events;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Api.Accounts;

/// <summary>
/// The api's own queue: temporary (it goes with the process) and named for its broker user, so only it
/// may read it. Each api replica has one, bound to the engines' events it hears; the engines' answers
/// to its requests for every view come to the same queue, in order with the events.
/// </summary>
internal sealed class ApiQueue(string name)
{
    private Uri? _address;

    public string Name { get; } = name;

    public Uri Address => _address ?? throw new InvalidOperationException("the api's queue is not configured yet: start the bus first");

    internal void Configured(Uri address) => _address = address;
}

/// <summary>Every consumer of the api on its own queue.</summary>
internal sealed class ApiConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public ApiConsumerDefinition(ApiQueue queue) => Endpoint(e =>
    {
        e.Name = queue.Name;
        e.Temporary = true;
    });
}

internal sealed class AccountViewsChangedConsumer(AccountReadModel model) : IConsumer<AccountViewsChanged>
{
    public Task Consume(ConsumeContext<AccountViewsChanged> context)
    {
        model.Apply(context.Message);
        return Task.CompletedTask;
    }
}

internal sealed class HealthEventsConsumer(EventStream stream) : IConsumer<AccountsHealthChanged>, IConsumer<MarginCalls>, IConsumer<LiquidationsPlanned>
{
    public Task Consume(ConsumeContext<AccountsHealthChanged> context)
    {
        stream.Publish(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MarginCalls> context)
    {
        stream.Publish(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<LiquidationsPlanned> context)
    {
        stream.Publish(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Asks the engines for every account's view once the bus is up, and again every <see cref="Interval"/>
/// until every partition has answered (an engine still rebuilding answers nothing; one that starts later
/// sends all its views when its rebuild completes anyway).
/// </summary>
internal sealed class AccountViewsRequest(IBus bus, StopGrace grace, ApiQueue queue, AccountReadModel model, IHostApplicationLifetime lifetime, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        while (!stoppingToken.IsCancellationRequested && model.Partitions is var (heard, expected) && (expected == 0 || heard < expected))
        {
            try
            {
                await bus.Publish(new AccountViewsRequested(Guid.NewGuid()), send => send.ResponseAddress = queue.Address, grace.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The broker is not there yet: the next round asks again.
            }
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(false);
        }
    }
}
