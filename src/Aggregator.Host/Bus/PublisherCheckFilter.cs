using MassTransit;
using MassTransit.RabbitMqTransport;
using Microsoft.Extensions.Logging;

namespace Aggregator.Host.Bus;

/// <summary>
/// Before any consumer sees a message: refuses it, to the endpoint's error queue with the reason, unless
/// its broker-validated publisher may send it (<see cref="PublisherPolicy"/>). On the in-memory bus every
/// role runs in this process and nothing else can publish, so there is nothing to check.
/// </summary>
internal sealed partial class PublisherCheckFilter<T>(ILogger<PublisherCheckFilter<T>> log) : IFilter<ConsumeContext<T>>
    where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (context.ReceiveContext.TryGetPayload(out RabbitMqBasicConsumeContext? delivery))
        {
            var publisher = BusPublisher.Of(delivery);
            if (PublisherPolicy.Refusal(context.Message, publisher) is { } reason)
            {
                Refused(log, typeof(T).Name, publisher ?? "(none)", context.ReceiveContext.InputAddress, reason);
                BusMetrics.Refused.Add(1, new KeyValuePair<string, object?>("message", typeof(T).Name), new KeyValuePair<string, object?>("publisher", publisher ?? "(none)"));
                throw new PublisherRefusedException(reason);
            }
        }
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("publisherCheck");

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused {Message} from broker user {Publisher} on {Endpoint}: {Reason}")]
    private static partial void Refused(ILogger logger, string message, string publisher, Uri endpoint, string reason);
}

/// <summary>A message refused because its publisher may not send it; it goes to the error queue, never retried.</summary>
public sealed class PublisherRefusedException(string reason) : Exception(reason);

/// <summary>The broker-validated publisher of a delivery.</summary>
internal static class BusPublisher
{
    /// <summary>The broker user that published the message being consumed, or null in memory (or without a user_id).</summary>
    public static string? Of(ConsumeContext context) =>
        context.ReceiveContext.TryGetPayload(out RabbitMqBasicConsumeContext? delivery) ? Of(delivery) : null;

    /// <summary>The delivery's <c>user_id</c>, or null when it has none.</summary>
    public static string? Of(RabbitMqBasicConsumeContext delivery) =>
        delivery.Properties.IsUserIdPresent() && !string.IsNullOrEmpty(delivery.Properties.UserId) ? delivery.Properties.UserId : null;
}
