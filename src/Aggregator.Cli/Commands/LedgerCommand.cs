using System.CommandLine;
using Aggregator.Host.Configuration;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator ledger publish</c>: the institution's book entries onto the bus, by hand.</summary>
internal static class LedgerCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Option<string>("--file") { Description = "CSV: entryId,account,kind,asset,amount,at (amount in whole units, exact)", Required = true };
        var config = new Option<string>("--config") { Description = "AGGREGATOR-CONFIG.json: the market gives each asset's decimals", Required = true };
        var bus = new BusOptions(required: true);
        var publish = new Command("publish", "Check every entry, then publish them in order as LedgerEntry messages; the engine applies each entry id once.")
        {
            file, config,
        };
        foreach (var option in bus.All)
        {
            publish.Options.Add(option);
        }
        publish.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = RunConfigFile.Read(parseResult.GetValue(config)!);
            var entries = LedgerEntriesFile.Read(parseResult.GetValue(file)!, settings.Engine.Market);
            await BusClient.RunAsync(bus.Parse(parseResult), async services =>
            {
                var endpoint = services.GetRequiredService<IPublishEndpoint>();
                foreach (var entry in entries)
                {
                    await endpoint.Publish(entry, cancellationToken).ConfigureAwait(false);
                }
                return entries.Count;
            }, cancellationToken).ConfigureAwait(false);
            context.Output.WriteLine($"published {entries.Count} ledger entries");
            return ExitCodes.Success;
        });
        var command = new Command("ledger", "The institution's books on the bus.");
        command.Subcommands.Add(publish);
        return command;
    }
}
