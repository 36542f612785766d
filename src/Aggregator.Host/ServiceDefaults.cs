using Aggregator.Host.Bus;
using Aggregator.Host.Http;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Host;

/// <summary>What every process of the product starts from, whichever roles it runs (eShop's ServiceDefaults).</summary>
public static class ServiceDefaults
{
    /// <summary>A generic host builder with <see cref="AddDefaults"/>.</summary>
    public static HostApplicationBuilder CreateBuilder(LogLevel logLevel)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddDefaults(logLevel);
        return builder;
    }

    /// <summary>The shared logging, the chains' HTTP client, the clock and the bus's start and stop rules, on any host (a web host's too).</summary>
    public static IServiceCollection AddDefaults(this IServiceCollection services, LogLevel logLevel)
    {
        services.AddLogging(logging => logging.SetMinimumLevel(logLevel));
        services.AddChainHttp();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new StopGrace(
            provider.GetRequiredService<TimeProvider>(), StopGrace.Default, provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
        // Starting means ready: every endpoint bound before a role publishes (a message published to an
        // exchange with no queue bound yet would be dropped).
        services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(30);
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    /// <summary>The bus with the consumers the roles register, on <paramref name="transport"/>.</summary>
    public static IServiceCollection AddBus(this IServiceCollection services, BusTransport transport, Action<IBusRegistrationConfigurator> roles)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(roles);
        return services.AddMassTransit(bus =>
        {
            roles(bus);
            transport.Configure(bus);
        });
    }
}
