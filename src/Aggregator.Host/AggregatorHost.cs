using Aggregator.Host.Engine;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Host;

/// <summary>The services' composition root: one generic host with the bus and the roles asked for.</summary>
public static class AggregatorHost
{
    /// <summary>A host running <paramref name="engine"/>'s role on <paramref name="transport"/> (more roles join here).</summary>
    public static IHost Build(BusTransport transport, EngineSettings? engine, Action<IBusRegistrationConfigurator>? extra = null, LogLevel logLevel = LogLevel.Warning, string engineQueue = EngineRole.QueueName)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(logLevel);
        // Starting means ready: every endpoint bound before a role publishes (a message published to an
        // exchange with no queue bound yet would be dropped).
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(30);
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddMassTransit(bus =>
        {
            if (engine != null)
            {
                EngineRole.Add(builder.Services, bus, engine, engineQueue);
            }
            extra?.Invoke(bus);
            transport.Configure(bus);
        });
        return builder.Build();
    }
}
