using Aggregator.Core.Errors;
using MassTransit;

namespace Aggregator.Host;

/// <summary>
/// Which bus the roles share: MassTransit's in-memory transport (the embedded default, one process) or
/// RabbitMQ (<c>rabbitmq://user:password@host:port/vhost</c>; durable queues, publisher confirms). The
/// roles are the same code on either: the transport is a choice of configuration.
/// </summary>
public sealed record BusTransport
{
    private BusTransport(Uri? rabbitMq) => RabbitMq = rabbitMq;

    /// <summary>The embedded default.</summary>
    public static BusTransport InMemory { get; } = new((Uri?)null);

    /// <summary>The broker, or null for the in-memory transport.</summary>
    public Uri? RabbitMq { get; }

    /// <summary>"memory", or a rabbitmq:// URL.</summary>
    /// <exception cref="InputException">Neither.</exception>
    public static BusTransport Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "memory")
        {
            return InMemory;
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "rabbitmq" or "amqp" && !string.IsNullOrEmpty(uri.Host))
        {
            return new BusTransport(uri);
        }
        // Never echo the value: a broker URL may carry a password.
        throw new InputException("the bus is 'memory' or rabbitmq://[user:password@]host[:port][/vhost]", field: "--bus");
    }

    /// <summary>Configures MassTransit on this transport, with retries and every registered consumer's endpoint.</summary>
    internal void Configure(IBusRegistrationConfigurator bus)
    {
        if (RabbitMq is not { } broker)
        {
            bus.UsingInMemory((context, cfg) =>
            {
                cfg.UseMessageRetry(Retry);
                cfg.ConfigureEndpoints(context);
            });
            return;
        }
        bus.UsingRabbitMq((context, cfg) =>
        {
            var credentials = broker.UserInfo.Split(':', 2);
            var port = broker.IsDefaultPort || broker.Port <= 0 ? (ushort)5672 : (ushort)broker.Port;
            var virtualHost = broker.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";
            cfg.Host(broker.Host, port, virtualHost, h =>
            {
                if (credentials[0].Length > 0)
                {
                    h.Username(Uri.UnescapeDataString(credentials[0]));
                    h.Password(credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "");
                }
                // Nothing counts as published until the broker has it.
                h.PublisherConfirmation = true;
            });
            cfg.UseMessageRetry(Retry);
            cfg.ConfigureEndpoints(context);
        });
    }

    // A failing message is retried with backoff, then moved to its endpoint's error queue with the
    // exception; the rest of the stream goes on.
    // Bad input (an unknown asset, other decimals) fails the same way every time: no retry for it.
    private static void Retry(IRetryConfigurator retry)
    {
        retry.Exponential(4, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
        retry.Ignore<InputException>();
    }
}
