using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;

namespace Aggregator.Engine;

/// <summary>
/// Answers a request for every account's health, on the engine's queue (between two writes), with the
/// partition's parts (a request/response could carry only one), to the requester's reply queue only.
/// </summary>
internal sealed class HealthRequestedConsumer(EngineBook engine) : IConsumer<HealthRequested>
{
    public Task Consume(ConsumeContext<HealthRequested> context) =>
        Answer.SendAsync(context, engine.Health(context.Message.RequestId));
}

/// <summary>
/// Answers the api's request for every account's view, on the engine's queue (between two writes), to the
/// requester's reply queue only; the views that follow are published as writes change them.
/// </summary>
internal sealed class AccountViewsRequestedConsumer(EngineBook engine) : IConsumer<AccountViewsRequested>
{
    public Task Consume(ConsumeContext<AccountViewsRequested> context) =>
        Answer.SendAsync(context, engine.AllViews());
}

/// <summary>
/// Answers a request for one account's risk sensitivity, on the engine's queue (between two writes): only the
/// partition that owns the account answers (another partition's silence is not an answer), to the
/// requester's reply address.
/// </summary>
internal sealed class RiskRequestedConsumer(EngineBook engine) : IConsumer<RiskRequested>
{
    public Task Consume(ConsumeContext<RiskRequested> context) =>
        engine.Owns(context.Message.Account) ? context.RespondAsync(engine.Risk(context.Message.Account)) : Task.CompletedTask;
}

/// <summary>
/// Answers the risk role's request for deleveraging candidates with this partition's (every partition
/// answers, for its own accounts), on the engine's queue between two writes; while the book is being
/// rebuilt the answer waits for it.
/// </summary>
internal sealed class DeleveragingCandidatesRequestedConsumer(EngineBook engine, LedgerJournal journal) : IConsumer<DeleveragingCandidatesRequested>
{
    public Task Consume(ConsumeContext<DeleveragingCandidatesRequested> context)
    {
        engine.Take(context.Message);
        return HealthPublication.PublishAsync(context, engine, journal, new EngineBook.Outcome(false, "a request for deleveraging candidates", []), context.CancellationToken);
    }
}
