using Aggregator.Messages;
using MassTransit;

namespace Aggregator.Host.Engine;

/// <summary>
/// Answers the prover with this partition's liabilities. It shares the engine's queue, one message at a
/// time, so the answer falls between two writes: every figure is at the heights it reports.
/// </summary>
internal sealed class LiabilitiesRequestedConsumer(EngineBook engine) : IConsumer<LiabilitiesRequested>
{
    public Task Consume(ConsumeContext<LiabilitiesRequested> context) =>
        context.PublishBatch(engine.Liabilities(context.Message.RequestId), context.CancellationToken);
}

/// <summary>
/// Answers a request for every account's health, on the engine's queue (between two writes), by
/// publishing the partition's parts (a request/response could carry only one).
/// </summary>
internal sealed class HealthRequestedConsumer(EngineBook engine) : IConsumer<HealthRequested>
{
    public Task Consume(ConsumeContext<HealthRequested> context) =>
        context.PublishBatch(engine.Health(context.Message.RequestId), context.CancellationToken);
}
