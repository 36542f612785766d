using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Host.Bus;

/// <summary>
/// A queue of this process's own where answers of type <typeparamref name="T"/> arrive point to point:
/// a requester names its <see cref="Address"/> as the request's response address, and the answering
/// role sends there. It is bound to no message type's exchange, so nobody else hears the answers (they
/// carry balances), and temporary, so it goes with the process. The publisher checks apply as on every
/// endpoint.
/// </summary>
internal sealed class ReplyEndpoint<T>
    where T : class
{
    private Uri? _address;

    internal ReplyEndpoint(string name, bool temporary) => (Name, Temporary) = (name, temporary);

    /// <summary>The queue's name (this user's own: <see cref="BusTransport.OwnQueue"/>).</summary>
    public string Name { get; }

    /// <summary>Whether the queue goes with the process.</summary>
    public bool Temporary { get; }

    /// <summary>The queue's address, known once the bus is configured.</summary>
    public Uri Address => _address ?? throw new InvalidOperationException($"the reply queue for {typeof(T).Name} is not configured yet: start the bus first");

    internal void Configured(Uri address) => _address = address;
}

/// <summary>Registers reply queues.</summary>
internal static class ReplyEndpoints
{
    /// <summary>Registers <typeparamref name="TConsumer"/> on a reply queue for <typeparamref name="T"/> named <paramref name="name"/> (this user's own: <see cref="BusTransport.OwnQueue"/>).</summary>
    /// <param name="temporary">False for a durable queue, whose error queue another connection can read (a temporary one's is exclusive to this connection).</param>
    public static void Add<T, TConsumer>(IBusRegistrationConfigurator bus, string name, bool temporary = true)
        where T : class
        where TConsumer : class, IConsumer<T>
    {
        ArgumentNullException.ThrowIfNull(bus);
        var endpoint = new ReplyEndpoint<T>(name, temporary);
        bus.AddSingleton(endpoint);
        bus.AddConsumer<TConsumer, ReplyConsumerDefinition<T, TConsumer>>();
        bus.AddConfigureEndpointsCallback((endpointName, configurator) =>
        {
            if (endpointName == name)
            {
                endpoint.Configured(configurator.InputAddress);
            }
        });
    }
}

/// <summary>A reply queue's consumer: on the queue its <see cref="ReplyEndpoint{T}"/> names, bound to no exchange.</summary>
internal sealed class ReplyConsumerDefinition<T, TConsumer> : ConsumerDefinition<TConsumer>
    where T : class
    where TConsumer : class, IConsumer<T>
{
    public ReplyConsumerDefinition(ReplyEndpoint<T> endpoint) => Endpoint(e =>
    {
        e.Name = endpoint.Name;
        e.Temporary = endpoint.Temporary;
        e.ConfigureConsumeTopology = false;
    });
}

/// <summary>How a role answers a request: to the requester's reply queue only, never to everyone.</summary>
internal static class Answer
{
    /// <summary>Sends <paramref name="parts"/> to the request's response address, with its request id.</summary>
    /// <exception cref="Core.Errors.InputException">The request names no response address: its answer would have nowhere private to go.</exception>
    public static async Task SendAsync<T>(ConsumeContext context, IEnumerable<T> parts)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.ResponseAddress
            ?? throw new Core.Errors.InputException($"{context.SupportedMessageTypes.FirstOrDefault()} names no response address: answers go to the requester's own queue only", field: "responseAddress");
        var endpoint = await context.GetSendEndpoint(address).ConfigureAwait(false);
        await endpoint.SendBatch(parts, send => send.RequestId = context.RequestId, context.CancellationToken).ConfigureAwait(false);
    }
}
