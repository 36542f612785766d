using Aggregator.Adapters;
using Aggregator.Adapters.Oracle;
using Aggregator.Core.Observations;
using Aggregator.Engine;
using Aggregator.Host;
using Aggregator.Host.Bus;
using Aggregator.Prover;
using MassTransit;
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

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The roles ("adapter", "oracle", "engine", "prover" or "all") of a validated configuration, on a bus.</summary>
    /// <exception cref="Core.Errors.InputException">The prover role without an "epochs" section.</exception>
    public static HostPlan ForRole(Configuration.RunConfig config, string role, BusTransport transport, EnginePartition partition, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (role == "prover" && config.Prover is null)
        {
            throw new Core.Errors.InputException("the prover role needs an \"epochs\" section in the configuration", field: "--role");
        }
        transport.RequireRole(role, role == BusIdentity.Engine ? partition : null);
        return new HostPlan(transport)
        {
            Engine = role is "engine" or "all" ? config.Engine : null,
            Partition = partition,
            Adapters = role is "adapter" or "all" ? AdapterRole.Readers(config.Reserves, config.Engine.Accounts.SelectMany(a => a.Deposits), http) : [],
            Oracle = role is "oracle" or "all" ? config.Oracle.Sources(config.Reserves) : null,
            Prover = role is "prover" or "all" ? config.Prover : null,
            PollInterval = config.PollInterval,
            LogLevel = LogLevel.Information,
        };
    }
}

/// <summary>The services' composition root: one generic host with the bus and the roles of a plan.</summary>
public static class AggregatorHost
{
    /// <param name="extra">More registrations on the bus (a subscriber in tests, say).</param>
    public static IHost Build(HostPlan plan, Action<IBusRegistrationConfigurator>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var builder = ServiceDefaults.CreateBuilder(plan.LogLevel);
        builder.Services.AddBus(plan.Transport, bus =>
        {
            if (plan.Engine != null)
            {
                EngineRole.Add(builder.Services, bus, plan.Engine, plan.Partition, plan.EngineQueue);
            }
            AdapterRole.Add(builder.Services, bus, plan.Adapters, plan.PollInterval, plan.Transport);
            if (plan.Prover != null)
            {
                ProverRole.Add(builder.Services, bus, plan.Prover, plan.Transport);
            }
            extra?.Invoke(bus);
        });
        if (plan.Oracle != null)
        {
            OracleRole.Add(builder.Services, plan.Oracle, plan.PollInterval);
        }
        return builder.Build();
    }
}
