using System.CommandLine;
using Aggregator.Host;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Cli.Commands;

/// <summary>A short-lived connection to the running services' bus, for the verbs that talk to them.</summary>
internal static class BusClient
{
    public static async Task<T> RunAsync<T>(string busText, Func<IServiceProvider, Task<T>> body, CancellationToken cancellationToken)
    {
        var transport = BusTransport.Parse(busText);
        if (transport.RabbitMq is null)
        {
            throw new Core.Errors.InputException("an in-memory bus reaches no other process: give the services' rabbitmq:// URL", field: "--bus");
        }
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

    public static Option<string> BusOption() =>
        new("--bus") { Description = "rabbitmq://user:password@host:port/vhost of the running services (never printed)", Required = true };
}
