using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Balances;
using Aggregator.Chains.Evm.Ownership;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Chains.Solana.Ownership;
using Aggregator.Chains.Solana.Rpc;
using Aggregator.Cli.Reserves;
using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Proofs.Commitment;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator reserves</c> and <c>aggregator reserves verify</c>: on-chain reserves with their evidence.</summary>
internal static class ReservesCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CliContext context)
    {
        var config = ConfigOption();
        var epoch = new Option<ulong>("--epoch") { Description = "The epoch the ownership messages must name", Required = true };
        var output = new Option<string>("--out") { Description = "RESERVES.json to write (it feeds `aggregator prove solvency`)", Required = true };
        var command = new Command("reserves", "Read every configured chain at its pinned height, verify every ownership signature, and total the reserves per asset with the evidence.")
        {
            config, epoch, output,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = ReservesConfig.Read(parseResult.GetValue(config)!);
            var outcome = await ReservesSweep.RunAsync(settings, parseResult.GetValue(epoch), line => Progress(context, line), cancellationToken).ConfigureAwait(false);
            EpochDirectory.WriteAtomically(parseResult.GetValue(output)!, outcome.Document.ToJsonString(Indented) + "\n");
            context.Output.WriteLine("| asset | reserves |");
            context.Output.WriteLine("|---|---:|");
            foreach (var (symbol, total) in outcome.Totals.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                context.Output.WriteLine($"| {symbol} | {total} |");
            }
            foreach (var problem in outcome.Problems)
            {
                context.Error.WriteLine($"problem: {problem}");
            }
            return outcome.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        command.Subcommands.Add(Verify(context));
        return command;
    }

    private static Option<string> ConfigOption() => new("--config")
    {
        Description = "RESERVES-CONFIG.json: institution, chains, tokens, reserve addresses with signed ownership messages",
        Required = true,
    };

    private static Command Verify(CliContext context)
    {
        var file = new Argument<string>("RESERVES.json") { Description = "The reserves file to check" };
        var config = ConfigOption();
        var command = new Command("verify", "Re-read the chains at the recorded heights and check every figure and signature of a reserves file.") { file, config };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            var settings = ReservesConfig.Read(parseResult.GetValue(config)!);
            var recorded = ReadRecorded(path);
            var epoch = recorded["epoch"]!.GetValue<ulong>();
            var failures = new List<string>();
            var problems = new List<string>();
            var totals = new Dictionary<string, Amount>(StringComparer.Ordinal);
            using var http = new HttpClient();
            foreach (var node in recorded["chains"]!.AsArray())
            {
                var name = node!["name"]!.GetValue<string>();
                var height = node["height"]!.GetValue<ulong>();
                var hash = node["blockHash"]!.GetValue<string>();
                JsonObject evidence;
                if (settings.Evm.FirstOrDefault(c => c.Options.Name == name) is { } chain)
                {
                    var reader = new EvmBalanceReader(new Web3(chain.Options.RpcUrl), chain.Options);
                    var now = await reader.BlockHashAtAsync(height, cancellationToken).ConfigureAwait(false);
                    if (now != hash)
                    {
                        failures.Add($"{name}: block {height} is now {now}, not the recorded {hash} (a reorg, or another chain)");
                        continue;
                    }
                    var batch = await reader.ReadAtAsync(height, hash, cancellationToken).ConfigureAwait(false);
                    evidence = ReservesSweep.Evidence(settings.Institution, name, chain.Addresses, batch, epoch, EvmOwnershipVerifier.Verify, problems, totals);
                }
                else if (settings.Solana.FirstOrDefault(c => c.Options.Name == name) is { } cluster)
                {
                    // Solana's RPC serves current state only: the balances are re-read now, at a slot at or after the recorded one.
                    var batch = await new SolanaBalanceReader(new SolanaRpcClient(http, cluster.Options.RpcUrl), cluster.Options).ReadAsync(cancellationToken).ConfigureAwait(false);
                    evidence = ReservesSweep.Evidence(settings.Institution, name, cluster.Addresses, batch, epoch, SolanaOwnershipVerifier.Verify, problems, totals);
                    evidence["height"] = height;
                }
                else
                {
                    throw new InputException($"chain '{name}' is not in the configuration", file: path);
                }
                if (!JsonNode.DeepEquals(evidence, node))
                {
                    failures.Add($"{name}: the balances or signatures at block {height} are not the recorded ones");
                }
                else
                {
                    context.Output.WriteLine($"ok: {name} at height {height}: balances and signatures as recorded");
                }
            }
            var recomputed = new JsonObject(totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => KeyValuePair.Create<string, JsonNode?>(t.Key, t.Value.ToString())));
            if (failures.Count == 0 && !JsonNode.DeepEquals(recomputed, recorded["reserves"]))
            {
                failures.Add($"the totals {recomputed.ToJsonString()} are not the recorded {recorded["reserves"]!.ToJsonString()}");
            }
            failures.AddRange(problems);
            foreach (var failure in failures)
            {
                context.Output.WriteLine($"INVALID: {failure}");
            }
            if (failures.Count > 0)
            {
                return ExitCodes.CheckFailed;
            }
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VALID: reserves of epoch {epoch} recomputed from the chains"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static JsonObject ReadRecorded(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the reserves file does not exist", file: path);
        }
        try
        {
            var document = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            return document?["format"]?.GetValue<string>() == ReservesSweep.Format && document["chains"] is JsonArray && document["epoch"] is not null
                ? document
                : throw new InputException($"not a reserves file of format {ReservesSweep.Format}", file: path);
        }
        catch (JsonException error)
        {
            throw new InputException($"malformed JSON: {error.Message}", file: path, line: error.LineNumber + 1);
        }
    }

    private static void Progress(CliContext context, string line)
    {
        if (context.Interactive)
        {
            context.Error.WriteLine(line);
        }
    }
}
