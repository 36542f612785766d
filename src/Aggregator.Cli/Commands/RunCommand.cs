using System.CommandLine;
using Aggregator.Composition;
using Aggregator.Composition.Configuration;
using Aggregator.Host.Http;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator run</c>: the services, until stopped (Ctrl-C or SIGTERM).</summary>
internal static class RunCommand
{
    private static readonly string[] Roles = ["adapter", "oracle", "engine", "prover", "api", "risk", "tree-worker", "all"];

    public static Command Create(CliContext context)
    {
        var config = new Option<string>("--config") { Description = "AGGREGATOR-CONFIG.json: chains and reserves, market, accounts (docs/operations.md)", Required = true };
        var role = new Option<string>("--role")
        {
            Description = "Which role this process runs: adapter, oracle, engine, prover, api, risk (the insurance fund, one replica), tree-worker (jobs of the prover's tree build; as many as you like) or all (default all; the prover runs when the configuration has an epochs section, the api when it has an api section)",
            DefaultValueFactory = _ => "all",
        };
        role.AcceptOnlyFromAmong(Roles);
        var bus = new BusOptions(required: false);
        var partition = new Option<string>("--partition")
        {
            Description = "With the engine role: INDEX/COUNT, the share of the accounts this replica owns (by a stable hash of the id), e.g. 0/2",
            DefaultValueFactory = _ => "0/1",
        };
        var check = new Option<bool>("--check")
        {
            Description = "Check the configuration and options, print what would run, and exit (no network call, nothing started)",
        };
        var command = new Command("run", "Run the services: adapters publish each chain's balances onto the bus, the oracle its prices, the engine keeps every account's health current and publishes changes, margin calls and liquidation plans, and the prover closes epochs.")
        {
            config, role, partition, check,
        };
        foreach (var option in bus.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = RunConfigFile.Read(parseResult.GetValue(config)!);
            var transport = bus.Parse(parseResult);
            var which = parseResult.GetValue(role)!;
            using var http = ChainHttp.CreateClient();
            var plan = HostPlan.ForRole(settings, which, transport, Host.Bus.EnginePartition.Parse(parseResult.GetValue(partition)!), http);
            if (parseResult.GetValue(check))
            {
                context.Output.WriteLine($"configuration valid: {which} on {(transport.RabbitMq is null ? "the in-memory bus" : "RabbitMQ")}, {settings.Engine.Accounts.Count} accounts, {plan.Adapters.Count} chains followed, engine partition {plan.Partition.Index}/{plan.Partition.Count}{(plan.Prover is { } prover ? $", prover of {prover.Accounts.Count} accounts" : "")}");
                return ExitCodes.Success;
            }
            using var host = AggregatorHost.Build(plan);
            context.Error.WriteLine($"running {which} on {(transport.RabbitMq is null ? "the in-memory bus" : "RabbitMQ")}: {settings.Engine.Accounts.Count} accounts, {plan.Adapters.Count} chains followed{(plan.Api is { } api ? $", the API on {api.Listen}" : "")}; Ctrl-C stops");
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
