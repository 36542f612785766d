using System.CommandLine;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Cli.Commands;

/// <summary>A short-lived connection to the running services' bus, as the operator, for the verbs that talk to them.</summary>
internal static class BusClient
{
    public static async Task<T> RunAsync<T>(BusTransport transport, Func<IServiceProvider, Task<T>> body, CancellationToken cancellationToken)
    {
        if (transport.RabbitMq is null)
        {
            throw new Core.Errors.InputException("an in-memory bus reaches no other process: give the services' amqps:// URL", field: "--bus");
        }
        transport.RequireRole(BusIdentity.Operator);
        using var host = AggregatorHost.Build(new HostPlan(transport));
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await body(host.Services).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}

/// <summary>The options that choose a bus and the broker user's credentials.</summary>
internal sealed class BusOptions
{
    public BusOptions(bool required, string defaultBus = "memory")
    {
        Bus = new Option<string>("--bus")
        {
            Description = required
                ? "amqps://USER@host:port/vhost of the running services (an operator's user; the password comes from --bus-credentials)"
                : "memory (every role in this process) or amqps://USER@host:port/vhost (the role's own broker user; the password comes from --bus-credentials)",
            Required = required,
        };
        if (!required)
        {
            Bus.DefaultValueFactory = _ => defaultBus;
        }
    }

    public Option<string> Bus { get; }

    public Option<string?> Credentials { get; } = new("--bus-credentials")
    {
        Description = $"The broker user's credentials folder: its password in 'password', and 'ca.pem' when the broker's certificate comes from a CA of its own (default ${BusTransport.CredentialsVariable})",
    };

    public IEnumerable<Option> All => [Bus, Credentials];

    /// <summary>--timeout: whole seconds to wait for <paramref name="what"/>, 1 to 86,400.</summary>
    public static Option<int> Timeout(int seconds, string what)
    {
        var option = new Option<int>("--timeout") { Description = $"Seconds to wait for {what} (default {seconds})", DefaultValueFactory = _ => seconds };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 86_400)
            {
                result.AddError("--timeout must be 1 to 86400 seconds");
            }
        });
        return option;
    }

    /// <exception cref="Core.Errors.InputException">A bad URL or unreadable credentials.</exception>
    public BusTransport Parse(ParseResult parseResult) => BusTransport.Parse(parseResult.GetValue(Bus)!, parseResult.GetValue(Credentials));
}
