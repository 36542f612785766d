using Aggregator.Host;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Engine.Risk;

/// <summary>
/// The risk role: the one owner of the institution-wide figures. The insurance fund and deficits, fed by
/// every engine partition's <see cref="LiquidationRecorded"/> and <see cref="BadDebtRecorded"/>, each
/// movement announced as <see cref="InsuranceFundChanged"/>; and the net exposure, from the partitions'
/// <see cref="ExposureReported"/>, the prover's <see cref="ReservesObserved"/> and the desk's ledger
/// entries, with its hedges announced as <see cref="HedgeProposed"/>; and live auto-deleveraging, asking
/// every partition for candidates and announcing <see cref="DeleveragingPlanned"/>. One queue ("risk"), one message at
/// a time; one replica.
/// </summary>
internal static class RiskRole
{
    public const string QueueName = BusIdentity.Risk;

    /// <summary>The fund's state, in the state directory.</summary>
    public const string FundFile = "insurance-fund.json";

    /// <param name="queue">The role's queue ("risk" by default; tests give each run its own).</param>
    public static void Add(IServiceCollection services, IBusRegistrationConfigurator bus, RiskSettings settings, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(settings);
        var state = settings.StateDirectory;
        if (state is not null)
        {
            services.AddStartupCheck(() => StartupChecks.WritableDirectory(state, "the risk role's state directory"));
        }
        services.AddSingleton(new RiskQueue(queue ?? QueueName));
        // Read when the host first asks for them (a corrupt state stops the start, naming the file).
        services.AddSingleton(_ => new InsuranceFundBook(settings.StartingFund, state is null ? null : Path.Combine(state, FundFile)));
        services.AddSingleton(_ => new ExposureBook(settings));
        services.AddSingleton(_ => new DeleveragingBook(settings));
        bus.AddConsumer<LiquidationRecordedConsumer, OneWriterConsumerDefinition<LiquidationRecordedConsumer, RiskQueue>>();
        bus.AddConsumer<BadDebtRecordedConsumer, OneWriterConsumerDefinition<BadDebtRecordedConsumer, RiskQueue>>();
        bus.AddConsumer<DeskPositionConsumer, OneWriterConsumerDefinition<DeskPositionConsumer, RiskQueue>>();
        bus.AddConsumer<ReservesForExposureConsumer, OneWriterConsumerDefinition<ReservesForExposureConsumer, RiskQueue>>();
        bus.AddConsumer<ExposureReportedConsumer, OneWriterConsumerDefinition<ExposureReportedConsumer, RiskQueue>>();
        bus.AddConsumer<DeleveragingCandidatesReportedConsumer, OneWriterConsumerDefinition<DeleveragingCandidatesReportedConsumer, RiskQueue>>();
    }
}

/// <summary>The risk role's queue, which all its consumers share.</summary>
internal sealed record RiskQueue(string Name) : IRoleQueue;

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

/// <summary>
/// Records a deficit once, covers what the fund can, and announces the movement. A perp shortfall's
/// uncovered rest opens a deleveraging: every partition is asked for candidates (asked again when the
/// shortfall comes again before the plan: an answer may have been lost).
/// </summary>
internal sealed class BadDebtRecordedConsumer(InsuranceFundBook fund, DeleveragingBook deleveraging) : IConsumer<BadDebtRecorded>
{
    public async Task Consume(ConsumeContext<BadDebtRecorded> context)
    {
        var message = context.Message;
        if (message.Perps.Count == 0)
        {
            if (fund.RecordDeficit(message.Id, message.Asset, message.Amount, message.At) is { } changed)
            {
                await context.Publish(changed, context.CancellationToken).ConfigureAwait(false);
            }
            return;
        }
        var (moved, uncovered) = fund.CoverPerpShortfall(message.Id, message.Asset, message.Amount, message.At);
        if (moved is not null)
        {
            await context.Publish(moved, context.CancellationToken).ConfigureAwait(false);
        }
        if (deleveraging.Open(message, uncovered) is { } request)
        {
            await context.Publish(request, context.CancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Takes a partition's deleveraging candidates and, once every partition has answered, announces the plan.</summary>
internal sealed class DeleveragingCandidatesReportedConsumer(DeleveragingBook deleveraging) : IConsumer<DeleveragingCandidatesReported>
{
    public async Task Consume(ConsumeContext<DeleveragingCandidatesReported> context)
    {
        if (deleveraging.Answer(context.Message) is { } plan)
        {
            await context.Publish(plan, context.CancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Keeps the desk's positions from its ledger entries (the engines pass over them); other entries are not the risk role's.</summary>
internal sealed class DeskPositionConsumer(ExposureBook exposure) : IConsumer<LedgerEntry>
{
    public Task Consume(ConsumeContext<LedgerEntry> context)
    {
        exposure.ApplyDesk(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>The reserves of the latest closed epoch: what the institution holds.</summary>
internal sealed class ReservesForExposureConsumer(ExposureBook exposure) : IConsumer<ReservesObserved>
{
    public Task Consume(ConsumeContext<ReservesObserved> context)
    {
        exposure.SetReserves(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>Sums the partitions' reports into the net exposure and announces the hedges when they change.</summary>
internal sealed class ExposureReportedConsumer(ExposureBook exposure) : IConsumer<ExposureReported>
{
    public async Task Consume(ConsumeContext<ExposureReported> context)
    {
        if (exposure.Report(context.Message) is { } proposal)
        {
            await context.Publish(proposal, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
