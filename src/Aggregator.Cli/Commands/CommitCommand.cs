using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Aggregator.Cli.Console;
using Aggregator.Commitment;
using Aggregator.Core.Errors;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator commit</c>: a ledger of liabilities into a Merkle-sum commitment.</summary>
internal static class CommitCommand
{
    public static Command Create(CliContext context)
    {
        var ledger = new Option<string>("--ledger")
        {
            Description = "CSV of liabilities: header account,<SYMBOL>,...; amounts in whole units; empty cell = 0",
            Required = true,
        };
        var assets = new Option<string>("--assets")
        {
            Description = "The tree's assets in leaf order with their proof decimals, e.g. BTC:8,ETH:8,SOL:6,USDC:6 (at most 7)",
            Required = true,
        };
        var depth = new Option<int>("--depth")
        {
            Description = "Tree depth D: room for 2^D accounts, padded so the size reveals nothing",
            DefaultValueFactory = _ => 20,
        };
        var secret = new Option<string?>("--secret")
        {
            Description = "The epoch secret, hex, 16..31 bytes; fresh and random every epoch. Omitted: 31 random bytes are generated",
        };
        var epoch = new Option<ulong?>("--epoch")
        {
            Description = "The epoch: a unix time in seconds, strictly increasing per publisher and not in the future when published (default: now)",
        };
        var publisher = new Option<string>("--publisher")
        {
            Description = "The EVM address the epoch will be published from (the registry's msg.sender); bound into the commitment",
            Required = true,
        };
        var output = new Option<string>("--out")
        {
            Description = "The epoch directory to create (it must not exist): manifest.json and private/",
            Required = true,
        };
        var command = new Command("commit", "Commit to what the institution owes every account: a padded Poseidon Merkle-sum tree and its root.")
        {
            ledger, assets, depth, secret, epoch, publisher, output,
        };
        command.SetAction(parseResult => Run(
            context,
            parseResult.GetValue(ledger)!,
            parseResult.GetValue(assets)!,
            parseResult.GetValue(depth),
            parseResult.GetValue(secret),
            parseResult.GetValue(epoch),
            parseResult.GetValue(publisher)!,
            parseResult.GetValue(output)!));
        return command;
    }

    private static int Run(CliContext context, string ledgerPath, string assetList, int depth, string? secretHex, ulong? epoch, string publisherText, string outputDirectory)
    {
        if (!Chains.Evm.EvmAddress.IsValid(publisherText))
        {
            throw new InputException($"'{publisherText}' is not an EVM address (0x and 20 bytes of hex, a mixed-case one with a valid checksum)", field: "--publisher");
        }
        var publisher = PublisherAddress.Parse(publisherText);
        var parameters = CommitmentParameters.Parse(depth, assetList.Split(','), "--assets");
        var secret = secretHex is null ? EpochSecret.Generate() : EpochSecret.ParseHex(secretHex);
        var watch = Stopwatch.StartNew();
        var rows = LedgerCsv.Read(ledgerPath, parameters);

        MerkleSumTree tree;
        using (var progress = new TerminalProgress(context.Error, context.Interactive, "hashing"))
        {
            tree = MerkleSumTree.Build(parameters, rows, secret, progress);
        }
        var now = DateTimeOffset.UtcNow;
        var manifest = EpochDirectory.Write(outputDirectory, tree, secret, epoch ?? (ulong)now.ToUnixTimeSeconds(), publisher, now);

        context.Output.WriteLine(manifest.Commitment);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"committed {rows.Count:N0} accounts x {parameters.AssetCount} assets ({string.Join(",", parameters.Assets.Select(a => a.Id))}) at depth {depth}, epoch {manifest.Epoch}, publisher {manifest.Publisher}, root {manifest.RootHash}, to {outputDirectory} in {watch.Elapsed.TotalSeconds:F2} s{(secretHex is null ? "; secret generated into private/secret.hex" : "")}"));
        return ExitCodes.Success;
    }
}
