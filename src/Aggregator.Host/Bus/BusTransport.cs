using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Aggregator.Core.Errors;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.RabbitMqTransport;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Host.Bus;

/// <summary>
/// Which bus the roles share: MassTransit's in-memory transport (the embedded default, one process) or
/// RabbitMQ (<c>amqps://USER@host:port/vhost</c>; durable queues, publisher confirms), where each role
/// instance connects as its own broker user (<see cref="BusIdentity"/>) and stamps every message with it
/// as <c>user_id</c>, which the broker validates and every consumer checks. The password is never in the
/// URL (a command line is readable by every user of the machine): it is read from a credentials folder.
/// The roles are the same code on either transport: the transport is a choice of configuration.
/// </summary>
public sealed record BusTransport
{
    /// <summary>The environment variable naming the credentials folder when <c>--bus-credentials</c> is not given.</summary>
    public const string CredentialsVariable = "AGGREGATOR_BUS_CREDENTIALS";

    private BusTransport(Uri? rabbitMq, BusIdentity? identity, string? password, X509Certificate2? authority)
    {
        (RabbitMq, Identity, Password, Authority) = (rabbitMq, identity, password, authority);
    }

    /// <summary>The embedded default.</summary>
    public static BusTransport InMemory { get; } = new(null, null, null, null);

    /// <summary>The broker (without credentials), or null for the in-memory transport.</summary>
    public Uri? RabbitMq { get; }

    /// <summary>The broker user this process connects as; null in memory.</summary>
    public BusIdentity? Identity { get; }

    /// <summary>Whether the connection is TLS (amqps).</summary>
    public bool Tls => RabbitMq?.Scheme is "amqps" or "rabbitmqs";

    private string? Password { get; }

    // The CA that signed the broker's certificate, when it is not one the system trusts.
    private X509Certificate2? Authority { get; }

    /// <summary>
    /// "memory", or <c>amqps://USER@host[:port][/vhost]</c> (TLS; <c>amqp://</c> only to a loopback
    /// broker) with the user's credentials folder: <c>password</c>, and <c>ca.pem</c> when the broker's
    /// certificate comes from a CA of its own. The folder is <paramref name="credentials"/>, else
    /// <see cref="CredentialsVariable"/>.
    /// </summary>
    /// <exception cref="InputException">Neither, a password in the URL, no user, or an unreadable credentials folder.</exception>
    public static BusTransport Parse(string text, string? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "memory")
        {
            return InMemory;
        }
        // Never echo the value: a broker URL may carry a password.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqps" or "rabbitmqs" or "amqp" or "rabbitmq") || string.IsNullOrEmpty(uri.Host))
        {
            throw new InputException("the bus is 'memory' or amqps://USER@host[:port][/vhost]", field: "--bus");
        }
        if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            throw new InputException($"the bus URL carries a password, which every user of this machine can read in its command line: put it in the file 'password' of the user's credentials folder (--bus-credentials or {CredentialsVariable})", field: "--bus");
        }
        if (uri.UserInfo.Length == 0)
        {
            throw new InputException("the bus URL names no broker user: each role connects as its own, e.g. amqps://engine@host:5671/", field: "--bus");
        }
        var identity = BusIdentity.Parse(Uri.UnescapeDataString(uri.UserInfo), "--bus");
        var tls = uri.Scheme is "amqps" or "rabbitmqs";
        if (!tls && !IsLoopback(uri.Host))
        {
            throw new InputException($"the bus to {uri.Host} is not encrypted: use amqps:// (plain amqp:// only to a broker on this machine)", field: "--bus");
        }
        var folder = credentials ?? Environment.GetEnvironmentVariable(CredentialsVariable);
        if (string.IsNullOrEmpty(folder))
        {
            throw new InputException($"the broker user '{identity.User}' needs its credentials folder (--bus-credentials or {CredentialsVariable}), holding its password in the file 'password'", field: "--bus-credentials");
        }
        var passwordFile = Path.Combine(folder, "password");
        var caFile = Path.Combine(folder, "ca.pem");
        try
        {
            var password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
            if (password.Length == 0)
            {
                throw new InputException("the password file is empty", file: passwordFile);
            }
            var authority = File.Exists(caFile) ? X509Certificate2.CreateFromPem(File.ReadAllText(caFile)) : null;
            var broker = new UriBuilder(uri) { UserName = identity.User, Password = "" }.Uri;
            return new BusTransport(broker, identity, password, authority);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InputException($"the bus credentials cannot be read: {error.Message}", file: folder, field: "--bus-credentials");
        }
    }

    /// <summary>Configures MassTransit on this transport, with retries, the publisher checks and every registered consumer's endpoint.</summary>
    internal void Configure(IBusRegistrationConfigurator bus)
    {
        bus.AddSingleton(this);
        if (RabbitMq is not { } broker || Identity is not { } identity)
        {
            bus.UsingInMemory((context, cfg) =>
            {
                cfg.ConfigureJsonSerializerOptions(Wire.WireFormat.Configure);
                cfg.UseMessageRetry(Retry);
                cfg.ConfigureEndpoints(context);
            });
            return;
        }
        // What fails goes to the error queue with this process's user (ErrorQueueFilter says why).
        bus.AddConfigureEndpointsCallback((_, endpoint) => endpoint.ConfigureError(error =>
        {
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorQueueFilter(identity.User));
        }));
        bus.UsingRabbitMq((context, cfg) =>
        {
            var port = broker.IsDefaultPort || broker.Port <= 0 ? (ushort)(Tls ? 5671 : 5672) : (ushort)broker.Port;
            var virtualHost = broker.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";
            cfg.Host(broker.Host, port, virtualHost, h =>
            {
                h.Username(identity.User);
                h.Password(Password!);
                if (Tls)
                {
                    h.UseSsl(ssl =>
                    {
                        ssl.Protocol = SslProtocols.Tls12 | SslProtocols.Tls13;
                        ssl.ServerName = broker.Host;
                        if (Authority is { } authority)
                        {
                            ssl.CertificateValidationCallback = (_, certificate, _, errors) => SignedBy(authority, certificate, errors);
                        }
                    });
                }
                // Nothing counts as published until the broker has it.
                h.PublisherConfirmation = true;
            });
            cfg.ConfigureJsonSerializerOptions(Wire.WireFormat.Configure);
            // Every message says who sent it; the broker refuses a user_id that is not the connection's.
            cfg.ConfigureSend(send => send.UseSendExecute(StampUser));
            cfg.ConfigurePublish(publish => publish.UseExecute(StampUser));
            // Replies come to a queue only this user may read.
            cfg.OverrideDefaultBusEndpointQueueName(identity.OwnQueue("bus"));
            cfg.UseConsumeFilter(typeof(PublisherCheckFilter<>), context);
            cfg.UseMessageRetry(Retry);
            cfg.ConfigureEndpoints(context);
        });

        void StampUser(SendContext send)
        {
            if (send.TryGetPayload(out RabbitMqSendContext? rabbit))
            {
                rabbit.BasicProperties.UserId = identity.User;
            }
        }
    }

    /// <summary>A queue name of this process's own (temporary endpoints): on RabbitMQ, one only its user may read.</summary>
    public string OwnQueue(string purpose) => Identity?.OwnQueue(purpose) ?? $"local.{purpose}.{Guid.NewGuid():N}";

    /// <summary>
    /// The user this process connects as must be one that may run <paramref name="role"/> (and, for an
    /// engine, this very partition): a role under another's user would be refused by every consumer.
    /// </summary>
    /// <exception cref="InputException">It is not.</exception>
    public void RequireRole(string role, EnginePartition? partition = null)
    {
        if (Identity is not { } identity)
        {
            return;
        }
        if (!identity.Is(role))
        {
            throw new InputException($"the broker user '{identity.User}' is not a {role}'s: run the {role} role as its own user ({role}[-NAME]{(role == BusIdentity.Engine ? " or engine-INDEX-of-COUNT" : "")}, or all)", field: "--bus");
        }
        if (partition is { } owned && identity.Role == BusIdentity.Engine && identity.User != owned.Queue)
        {
            throw new InputException($"the broker user '{identity.User}' is not partition {owned.Index}/{owned.Count}'s engine: that one is '{owned.Queue}'", field: "--bus");
        }
    }

    // A failing message is retried with backoff, then moved to its endpoint's error queue with the
    // exception; the rest of the stream goes on.
    // Bad input (an unknown asset, other decimals) and a refused publisher fail the same way every time: no retry for them.
    private static void Retry(IRetryConfigurator retry)
    {
        retry.Exponential(4, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
        retry.Ignore<InputException>();
        retry.Ignore<PublisherRefusedException>();
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    // The broker's certificate must chain to the given CA, and every other check (its name) must pass.
    internal static bool SignedBy(X509Certificate2 authority, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }
}
