using System.CommandLine;
using Aggregator.Composition.Configuration;
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
        var timeout = BusOptions.Timeout(30, "the broker to take each entry (a full engine queue refuses it)");
        var bus = new BusOptions(required: true);
        var publish = new Command("publish", "Check every entry, then publish them in order as LedgerEntry messages; the engine applies each entry id once.")
        {
            file, config, timeout,
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
                for (var i = 0; i < entries.Count; i++)
                {
                    // The broker refuses a publish while an engine's queue is full (deploy/broker/limits.sh),
                    // and MassTransit tries again until it is taken or given up: nothing is dropped, and the
                    // entries are applied once by id, so the file can be sent again.
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    wait.CancelAfter(TimeSpan.FromSeconds(parseResult.GetValue(timeout)));
                    try
                    {
                        await endpoint.Publish(entries[i], wait.Token).ConfigureAwait(false);
                    }
                    catch (Exception refused) when (!cancellationToken.IsCancellationRequested)
                    {
                        var why = refused is OperationCanceledException ? $"not taken within {parseResult.GetValue(timeout)} s" : refused.Message;
                        throw new BusPublishFailedException($"the bus did not take ledger entry '{entries[i].EntryId}' (entry {i + 1} of {entries.Count}; the {i} before it were taken): {why}. An engine's queue may be full; publish the file again once it drains (entries already applied are skipped by id)");
                    }
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

/// <summary>The broker did not take a message (a queue full and refusing publishes, a connection lost): nothing after it was sent.</summary>
internal sealed class BusPublishFailedException(string message) : Exception(message);
