using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Host;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Engine.Risk;

/// <summary>
/// The risk role: the one owner of the institution's insurance fund and deficits, fed by every engine
/// partition's <see cref="LiquidationRecorded"/> and <see cref="BadDebtRecorded"/>, and announcing each
/// movement as <see cref="InsuranceFundChanged"/>. One queue ("risk"), one message at a time; one replica.
/// </summary>
internal static class RiskRole
{
    public const string QueueName = BusIdentity.Risk;

    /// <param name="start">The fund where it starts (base units), used until its state is on disk.</param>
    /// <param name="stateDirectory">Where the fund's state is kept (none: in memory, as an in-process run).</param>
    /// <param name="queue">The role's queue ("risk" by default; tests give each run its own).</param>
    public static void Add(IServiceCollection services, IBusRegistrationConfigurator bus, IReadOnlyDictionary<AssetId, Amount> start, string? stateDirectory, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bus);
        if (stateDirectory is not null)
        {
            services.AddStartupCheck(() => StartupChecks.WritableDirectory(stateDirectory, "the risk role's state directory"));
        }
        // Read when the host first asks for it (a corrupt state stops the start, naming the file).
        services.AddSingleton(new RiskQueue(queue ?? QueueName));
        services.AddSingleton(_ => new InsuranceFundBook(start, stateDirectory is null ? null : Path.Combine(stateDirectory, "insurance-fund.json")));
        bus.AddConsumer<LiquidationRecordedConsumer, RiskConsumerDefinition<LiquidationRecordedConsumer>>();
        bus.AddConsumer<BadDebtRecordedConsumer, RiskConsumerDefinition<BadDebtRecordedConsumer>>();
    }
}

/// <summary>The risk role's queue, which both its consumers share.</summary>
internal sealed record RiskQueue(string Name);

/// <summary>Both risk consumers on the one queue, one message at a time: the fund has one writer.</summary>
internal sealed class RiskConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public RiskConsumerDefinition(RiskQueue queue) => Endpoint(e =>
    {
        e.Name = queue.Name;
        e.ConcurrentMessageLimit = 1;
    });
}

/// <summary>Credits a liquidation's fee to the fund once, and announces the movement.</summary>
internal sealed class LiquidationRecordedConsumer(InsuranceFundBook fund) : IConsumer<LiquidationRecorded>
{
    public async Task Consume(ConsumeContext<LiquidationRecorded> context)
    {
        var message = context.Message;
        if (fund.Credit(message.EntryId, message.Asset, message.Fee, message.At) is { } changed)
        {
            await context.Publish(changed, context.CancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Records a deficit once, covers what the fund can, and announces the movement.</summary>
internal sealed class BadDebtRecordedConsumer(InsuranceFundBook fund) : IConsumer<BadDebtRecorded>
{
    public async Task Consume(ConsumeContext<BadDebtRecorded> context)
    {
        var message = context.Message;
        if (fund.RecordDeficit(message.Id, message.Asset, message.Amount, message.At) is { } changed)
        {
            await context.Publish(changed, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
