using System.CommandLine;
using System.Globalization;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Errors;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator registry announce | coverage | status | mark-missed</c>: a publisher's windows on the
/// SolvencyRegistry, announced once before the first one starts, the coverage ratios it proves, and where
/// its epochs stand (docs/proofs.md, "Windows" and "Coverage ratios").
/// </summary>
internal static class RegistryCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("registry", "A publisher's windows on the SolvencyRegistry: announce them once, see where its epochs stand, record a missed one.");
        command.Subcommands.Add(Announce(context));
        command.Subcommands.Add(Coverage(context));
        command.Subcommands.Add(Status(context));
        command.Subcommands.Add(MarkMissed(context));
        return command;
    }

    private static Option<string> KeyFile() => new("--key-file") { Description = "File holding the sender's private key (hex)", Required = true };

    private static Command Announce(CliContext context)
    {
        var (rpc, registry, keyFile) = (RegistryOptions.Rpc(), RegistryOptions.Registry(), KeyFile());
        var institution = new Option<string>("--institution") { Description = "The institution's name, as its reserve addresses' ownership messages name it", Required = true };
        var window = new Option<ulong>("--window") { Description = "The window length in seconds: epoch e ends the window [e - window, e)", Required = true };
        var samples = new Option<int>("--samples") { Description = "Heights sampled per EVM chain in each window (1..64): short of reserves for a fraction f of a window, the institution passes with probability (1 - f)^samples", DefaultValueFactory = _ => 8 };
        var firstEnd = new Option<ulong?>("--first-end") { Description = "The first window's end (unix seconds); by default the first multiple of --window whose window starts after the next one" };
        var command = new Command("announce", "Announce the publisher's institution and windows, once: they tile time from the first window, which must not have started, and cannot be changed.")
        {
            rpc, registry, keyFile, institution, window, samples, firstEnd,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var length = parseResult.GetValue(window);
            var count = parseResult.GetValue(samples);
            if (length == 0 || count is < 1 or > 64)
            {
                throw new InputException("--window must be positive and --samples 1..64", field: length == 0 ? "--window" : "--samples");
            }
            var web3 = await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!, "--rpc", cancellationToken).ConfigureAwait(false);
            var address = RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry");
            var publisher = web3.TransactionManager.Account.Address;
            var latest = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()).ConfigureAwait(false);
            var end = parseResult.GetValue(firstEnd) ?? ((((ulong)latest.Timestamp.Value / length) + 2) * length);
            var receipt = await new SolvencyRegistryClient(web3, address, publisher).AnnounceAsync(parseResult.GetValue(institution)!, length, end, count).ConfigureAwait(false);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"announced for {publisher}: windows of {length} s, the first [{end - length}, {end}), {count} heights sampled per chain; transaction {receipt.TransactionHash} (gas {receipt.GasUsed.Value})"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Coverage(CliContext context)
    {
        var (rpc, registry, keyFile) = (RegistryOptions.Rpc(), RegistryOptions.Registry(), KeyFile());
        var ratios = new Option<string>("--ratios")
        {
            Description = "The coverage ratio of each asset in basis points, in the layout's asset order, e.g. 10500,10000,10000,12000 (each on the registry's ladder)",
            Required = true,
        };
        var command = new Command("coverage", "Set the coverage ratios the publisher's solvency proofs show (reserves at least ratio/10000 of the hidden liabilities), for every window that starts after now.")
        {
            rpc, registry, keyFile, ratios,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var values = parseResult.GetValue(ratios)!.Split(',', StringSplitOptions.TrimEntries)
                .Select(r => uint.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                    : throw new InputException($"'{r}' is not a ratio in basis points (a whole number such as 10500)", field: "--ratios"))
                .ToArray();
            var web3 = await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!, "--rpc", cancellationToken).ConfigureAwait(false);
            var publisher = web3.TransactionManager.Account.Address;
            var client = new SolvencyRegistryClient(web3, RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"), publisher);
            var ladder = await client.RatioLadderAsync().ConfigureAwait(false);
            if (values.Length != 4 || values.Any(v => !ladder.Contains(v)))
            {
                throw new InputException($"four ratios are needed, each one of the registry's ladder {string.Join(", ", ladder)}", field: "--ratios");
            }
            var (receipt, from) = await client.SetCoverageAsync(values).ConfigureAwait(false);
            context.Output.WriteLine($"coverage ratios {string.Join(", ", values)} bp set for {publisher} from epoch {from}; transaction {receipt.TransactionHash} (gas {receipt.GasUsed.Value})");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Status(CliContext context)
    {
        var (rpc, registry) = (RegistryOptions.Rpc(), RegistryOptions.Registry());
        var publisher = new Option<string>("--publisher") { Description = "The publisher's address", Required = true };
        var command = new Command("status", "The publisher's institution and windows, its latest published epoch, and its latest due window: MISSED when that one was not published in time.")
        {
            rpc, registry, publisher,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var who = RegistryOptions.Address(parseResult.GetValue(publisher)!, "--publisher");
            var client = new SolvencyRegistryClient(new Web3(parseResult.GetValue(rpc)!), RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"), who);
            if (await client.WindowOfAsync(who).ConfigureAwait(false) is not { } window)
            {
                context.Output.WriteLine($"{who} has announced no windows: it cannot publish");
                return ExitCodes.CheckFailed;
            }
            var latest = await client.LatestEpochAsync(who).ConfigureAwait(false);
            var due = await client.LatestDueAsync(who).ConfigureAwait(false);
            var delay = await client.PublicationDelayAsync().ConfigureAwait(false);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{window.Institution} ({who}): windows of {window.Length} s from [{window.FirstEnd - window.Length}, {window.FirstEnd}), {window.Samples} heights sampled per chain, published within {delay} s of their end"));
            context.Output.WriteLine(latest == 0 ? "latest published epoch: none" : $"latest published epoch: {latest}");
            if (due > latest)
            {
                context.Output.WriteLine($"MISSED: epoch {due} was not published before its deadline; every feed of this publisher answers -1");
                return ExitCodes.CheckFailed;
            }
            context.Output.WriteLine(due == 0 ? "no window is due yet" : $"latest due window: {due}, published");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command MarkMissed(CliContext context)
    {
        var (rpc, registry, keyFile) = (RegistryOptions.Rpc(), RegistryOptions.Registry(), KeyFile());
        var publisher = new Option<string>("--publisher") { Description = "The publisher whose epoch was missed", Required = true };
        var epoch = new Option<ulong>("--epoch") { Description = "The missed epoch (a window end whose deadline has passed unpublished)", Required = true };
        var command = new Command("mark-missed", "Record on the registry, for anyone to see, that a publisher's epoch was not published in time (anyone may; the registry refuses an epoch that is not missed).")
        {
            rpc, registry, keyFile, publisher, epoch,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var web3 = await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!, "--rpc", cancellationToken).ConfigureAwait(false);
            var client = new SolvencyRegistryClient(web3, RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"), web3.TransactionManager.Account.Address);
            var receipt = await client.MarkMissedAsync(RegistryOptions.Address(parseResult.GetValue(publisher)!, "--publisher"), parseResult.GetValue(epoch)).ConfigureAwait(false);
            context.Output.WriteLine($"epoch {parseResult.GetValue(epoch)} recorded missed in transaction {receipt.TransactionHash}");
            return ExitCodes.Success;
        });
        return command;
    }

}
