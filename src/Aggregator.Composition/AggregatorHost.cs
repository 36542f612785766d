using Aggregator.Adapters;
using Aggregator.Api;
using Aggregator.Adapters.Oracle;
using Aggregator.Core.Observations;
using Aggregator.Engine;
using Aggregator.Host;
using Aggregator.Host.Bus;
using Aggregator.Prover;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Composition;

/// <summary>What one process runs: which roles, on which bus.</summary>
public sealed record HostPlan(BusTransport Transport)
{
    /// <summary>The engine role's starting state, or null when this process runs no engine.</summary>
    public EngineSettings? Engine { get; init; }

    /// <summary>Which accounts this process's engine owns (all by default).</summary>
    public EnginePartition Partition { get; init; } = EnginePartition.Whole;

    /// <summary>The engine's queue, when not the partition's own (tests give each run its own).</summary>
    public string? EngineQueue { get; init; }

    /// <summary>One adapter per reader; none when this process runs no adapter.</summary>
    public IReadOnlyList<IChainReader> Adapters { get; init; } = [];

    /// <summary>The oracle role's feeds and fixed prices, or null when this process runs no oracle.</summary>
    public OracleSources? Oracle { get; init; }

    /// <summary>The prover role's settings, or null when this process runs no prover.</summary>
    public ProverSettings? Prover { get; init; }

    /// <summary>The api role's settings, or null when this process serves no HTTP.</summary>
    public ApiSettings? Api { get; init; }

    /// <summary>The risk role's settings (the insurance fund), or null when this process runs no risk role.</summary>
    public Aggregator.Engine.Risk.RiskSettings? Risk { get; init; }

    /// <summary>The epochs directory the tree-worker role shares with the prover, or null when this process takes no tree jobs.</summary>
    public string? TreeWorker { get; init; }

    /// <summary>The risk role's queue, when not "risk" (tests give each run its own).</summary>
    public string? RiskQueue { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The roles ("adapter", "oracle", "engine", "prover", "api", "risk", "tree-worker" or "all") of a validated configuration, on a bus.</summary>
    /// <exception cref="Core.Errors.InputException">The prover role without an "epochs" section.</exception>
    public static HostPlan ForRole(Configuration.RunConfig config, string role, BusTransport transport, EnginePartition partition, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (role == "prover" && config.Prover is null)
        {
            throw new Core.Errors.InputException("the prover role needs an \"epochs\" section in the configuration", field: "--role");
        }
        if (role == BusIdentity.TreeWorker && config.Prover is null)
        {
            throw new Core.Errors.InputException("the tree-worker role needs the prover's \"epochs\" section in the configuration (its directory is the volume the two share)", field: "--role");
        }
        if (role == "api" && config.Api is null)
        {
            throw new Core.Errors.InputException("the api role needs an \"api\" section in the configuration", field: "--role");
        }
        transport.RequireRole(role, role == BusIdentity.Engine ? partition : null);
        return new HostPlan(transport)
        {
            Engine = role is "engine" or "all" ? config.Engine : null,
            Partition = partition,
            Adapters = role is "adapter" or "all" ? AdapterRole.Readers(config.Reserves, config.Engine.Accounts.SelectMany(a => a.Deposits), http) : [],
            Oracle = role is "oracle" or "all" ? config.Oracle.Sources(config.Reserves) : null,
            Prover = role is "prover" or "all" ? config.Prover : null,
            Api = role is "api" or "all" ? config.Api : null,
            Risk = role is "risk" or "all" ? Aggregator.Engine.Risk.RiskSettings.From(config.Engine) : null,
            TreeWorker = role is BusIdentity.TreeWorker or "all" ? config.Prover?.Directory : null,
            PollInterval = config.PollInterval,
            LogLevel = LogLevel.Information,
        };
    }
}

/// <summary>The services' composition root: one host with the bus and the roles of a plan (a web host when it serves the api).</summary>
public static class AggregatorHost
{
    /// <param name="extra">More registrations on the bus (a subscriber in tests, say).</param>
    public static IHost Build(HostPlan plan, Action<IBusRegistrationConfigurator>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Api is not { } api)
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
            AddServices(builder.Services, plan, extra);
            return builder.Build();
        }
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        ApiRole.ConfigureServer(web.WebHost, api);
        AddServices(web.Services, plan, extra);
        var app = web.Build();
        ApiRole.UsePipeline(app);
        return app;
    }

    /// <summary>Every service of the plan's roles, on any host (the tests' web host too).</summary>
    public static void AddServices(IServiceCollection services, HostPlan plan, Action<IBusRegistrationConfigurator>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        services.AddDefaults(plan.LogLevel);
        services.AddBus(plan.Transport, bus =>
        {
            if (plan.Engine != null)
            {
                EngineRole.Add(services, bus, plan.Engine, plan.Partition, plan.EngineQueue);
            }
            AdapterRole.Add(services, bus, plan.Adapters, plan.PollInterval, plan.Transport);
            if (plan.Prover != null)
            {
                ProverRole.Add(services, bus, plan.Prover, plan.Transport);
            }
            if (plan.Api != null)
            {
                ApiRole.AddConsumers(bus, plan.Transport);
            }
            if (plan.TreeWorker != null)
            {
                TreeWorkerRole.Add(services, bus, plan.TreeWorker);
            }
            if (plan.Risk != null)
            {
                Aggregator.Engine.Risk.RiskRole.Add(services, bus, plan.Risk, plan.RiskQueue);
            }
            extra?.Invoke(bus);
        });
        if (plan.Oracle != null)
        {
            OracleRole.Add(services, plan.Oracle, plan.PollInterval);
        }
        if (plan.Api != null)
        {
            ApiRole.AddServices(services, plan.Api);
        }
    }
}
