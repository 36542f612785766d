using System.CommandLine;
using Aggregator.Composition;
using Aggregator.Demo;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator demo</c>: the whole product end to end on local chains, with a timed report.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var accounts = new Option<int>("--accounts") { Description = "How many accounts the institution has (default 3000)", DefaultValueFactory = _ => 3000 };
        var bus = new BusOptions(required: false);
        var output = new Option<string?>("--out") { Description = "Where to write the configuration, epochs and proofs (default out/demo-<time> in the repository)" };
        var serve = new Option<bool>("--serve") { Description = "After the report, keep every service running until Ctrl-C; print (and write to api.json in the output folder, owner-only) the API's address, a protocol key, an account's credential, the registry and the feeds" };
        var command = new Command("demo", "Start two local EVM chains and a Solana test server, deploy the contracts, fund an institution's accounts, run every role, move a price until margin calls and liquidations appear, close and publish an epoch, fetch and verify one account's inclusion proof through the API, and deploy a Proof-of-Reserve feed per asset.")
        {
            accounts, output, serve,
        };
        foreach (var option in bus.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var count = parseResult.GetValue(accounts);
            if (count is < 1 or > 100_000)
            {
                throw new Core.Errors.InputException("the demo runs 1 to 100,000 accounts", field: "--accounts");
            }
            var transport = bus.Parse(parseResult);
            var root = RepositoryRoot();
            var directory = Path.GetFullPath(parseResult.GetValue(output) ?? Path.Combine(root, "out", $"demo-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}"));
            if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            {
                throw new Core.Errors.InputException("the output folder exists and is not empty", field: "--out", file: directory);
            }
            context.WarnIfKeysInsecure();
            try
            {
                await DemoRun.RunAsync(new DemoOptions(root, directory, count, transport) { Serve = parseResult.GetValue(serve) }, context.Output.WriteLine, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (DemoFailedException failed)
            {
                context.Error.WriteLine($"demo failed: {failed.Message}");
                return ExitCodes.CheckFailed;
            }
            catch (OperationCanceledException)
            {
                context.Error.WriteLine($"demo stopped before the end; everything it started is stopped; files so far in {directory}");
                return ExitCodes.CheckFailed;
            }
        });
        return command;
    }

    // The checkout the demo runs from: contracts' artifacts, the local servers and the circuits.
    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
            {
                if (Directory.Exists(Path.Combine(directory.FullName, "contracts", "artifacts")) && Directory.Exists(Path.Combine(directory.FullName, "deploy", "local")))
                {
                    return directory.FullName;
                }
            }
        }
        throw new Core.Errors.InputException("run the demo from a checkout of the repository (contracts/artifacts and deploy/local are not found above the working directory)");
    }
}
