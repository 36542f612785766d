using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.RabbitMqTransport;
using MassTransit.RabbitMqTransport.Middleware;
using MassTransit.RabbitMqTransport.Topology;
using MassTransit.Transports;
using RabbitMQ.Client;

namespace Aggregator.Host.Bus;

/// <summary>
/// Moves a failed message to its endpoint's error queue. MassTransit's own move copies every property of
/// the delivery, its <c>user_id</c> included; when that is another role's user, the broker refuses the
/// move (it validates <c>user_id</c> against the connection) and closes the channel, so the message
/// would come back for ever. Such a message is moved here with this process's user as <c>user_id</c>
/// and the original publisher in the <see cref="PublisherHeader"/> header; any other goes the usual way.
/// </summary>
internal sealed class ErrorQueueFilter(string user) : IFilter<ExceptionReceiveContext>
{
    /// <summary>The header naming the broker user that published a message moved to an error queue.</summary>
    public const string PublisherHeader = "Aggregator-Publisher";

    private static readonly ConcurrentDictionary<string, ConfigureRabbitMqTopologyFilter<ErrorSettings>> Topologies = new(StringComparer.Ordinal);

    private readonly IFilter<ExceptionReceiveContext> _usual = new ErrorTransportFilter();

    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        if (!context.TryGetPayload(out RabbitMqBasicConsumeContext? delivery) || BusPublisher.Of(delivery) is not { } publisher || publisher == user
            || !context.TryGetPayload(out ChannelContext? channel) || !context.TryGetPayload(out ReceiveSettings? settings))
        {
            await _usual.Send(context, next).ConfigureAwait(false);
            return;
        }
        var name = settings.QueueName + "_error";
        // The error queue is declared as MassTransit declares it (the source queue's kind and arguments), once.
        var topology = Topologies.GetOrAdd(name, _ =>
        {
            var error = new RabbitMqErrorSettings(settings, name);
            return new ConfigureRabbitMqTopologyFilter<ErrorSettings>(error, error.GetBrokerTopology());
        });
        await topology.Configure(channel, context.CancellationToken).ConfigureAwait(false);
        var properties = new BasicProperties(delivery.Properties) { UserId = user };
        properties.Headers ??= new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        var headers = new MoveTransportHeaders(properties);
        headers.SetHostHeaders();
        headers.CopyFrom(context.ExceptionHeaders);
        headers.Set(PublisherHeader, publisher);
        properties.ClearExpiration();
        await channel.BasicPublishAsync(name, delivery.RoutingKey, true, properties, context.GetBody(), true, context.CancellationToken).ConfigureAwait(false);
        await next.Send(context).ConfigureAwait(false);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("errorQueue");
}
