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
        context.Publish(engine.Liabilities(context.Message.RequestId), context.CancellationToken);
}
