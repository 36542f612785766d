using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;

namespace Aggregator.Engine;

/// <summary>
/// Answers the prover with this partition's liabilities, to the requesting prover's reply queue only
/// (every balance is in them). It shares the engine's queue, one message at a time, so the answer falls
/// between two writes: every figure is at the heights it reports.
/// </summary>
internal sealed class LiabilitiesRequestedConsumer(EngineBook engine) : IConsumer<LiabilitiesRequested>
{
    public Task Consume(ConsumeContext<LiabilitiesRequested> context) =>
        Answer.SendAsync(context, engine.Liabilities(context.Message.RequestId));
}

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
