using System.CommandLine;
using System.Globalization;
using Aggregator.Commitment;
using Aggregator.Core.Files;
using Aggregator.Host.Http;
using Aggregator.Reserves;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Configuration;
using Aggregator.Reserves.Evidence;
using Aggregator.Reserves.Windows;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator reserves</c> and <c>aggregator reserves verify</c>: on-chain reserves with their evidence.</summary>
internal static class ReservesCommand
{
    public static Command Create(CliContext context)
    {
        var config = ConfigOption();
        var epoch = new Option<ulong>("--epoch") { Description = "The epoch the ownership messages must name", Required = true };
        var output = new Option<string>("--out") { Description = "RESERVES.json to write (it feeds `aggregator prove solvency`)", Required = true };
        var window = new Option<ulong?>("--window") { Description = "The window length in seconds: the epoch ends the window [epoch - window, epoch), and each EVM chain is read at heights drawn after it (docs/proofs.md). Without it every chain is read now, point-in-time" };
        var samples = new Option<int>("--samples") { Description = "Heights sampled per EVM chain in the window (1..64)", DefaultValueFactory = _ => 8 };
        var seedChain = new Option<string?>("--seed-chain") { Description = "The name of the configured EVM chain whose prevrandao seeds the draws: the registry's (default: the first EVM chain)" };
        var (registryRpc, registry) = CustodianOptions();
        var command = new Command("reserves", "Read every configured chain (each EVM chain at the heights the epoch's window draws, or now), verify every ownership signature and custody statement, and total the reserves per asset, net of lending debts, with the evidence and the totals per evidence tag.")
        {
            config, epoch, output, window, samples, seedChain, registryRpc, registry,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // The whole configuration is checked before any network call; nothing is written unless every chain was read.
            var settings = ReservesConfigFile.Read(parseResult.GetValue(config)!);
            using var http = ChainHttp.CreateClient();
            var chains = ReserveChains.Open(settings, http);
            var sampled = parseResult.GetValue(window) is { } length ? ReserveWindow.Ending(parseResult.GetValue(epoch), length, parseResult.GetValue(samples)) : null;
            Core.Chains.ChainId? seed = null;
            if (parseResult.GetValue(seedChain) is { } name)
            {
                seed = chains.FirstOrDefault(c => c.Reader.Name == name && c.Clock is not null)?.Reader.Chain
                    ?? throw new Core.Errors.InputException($"'{name}' is not a configured EVM chain", field: "--seed-chain");
            }
            // Custodians stand or not at the window's end (now for a point-in-time sweep).
            var custodians = await CustodiansAsync(parseResult, registryRpc, registry, settings,
                sampled is null ? DateTimeOffset.UtcNow : DateTimeOffset.FromUnixTimeSeconds((long)sampled.End)).ConfigureAwait(false);
            var outcome = await ReservesSweep.RunAsync(settings.Institution, chains, parseResult.GetValue(epoch), sampled, seed, line => Progress(context, line), custodians, cancellationToken).ConfigureAwait(false);
            SafeFile.WriteAtomically(parseResult.GetValue(output)!, ReservesReportFile.Serialize(outcome.Report));
            var tags = Reserves.Configuration.ReserveEvidenceNames.All;
            context.Output.WriteLine($"| asset | reserves (counted) | {string.Join(" | ", tags)} |");
            context.Output.WriteLine($"|---|---:|{string.Concat(tags.Select(_ => "---:|"))}");
            foreach (var (symbol, total) in outcome.Report.Reserves)
            {
                context.Output.WriteLine($"| {symbol} | {total} | {string.Join(" | ", tags.Select(t => outcome.Report.ByEvidence.GetValueOrDefault(t)?.GetValueOrDefault(symbol) ?? "0"))} |");
            }
            context.Output.WriteLine($"counted: {Reserves.Configuration.ReserveEvidenceNames.KeyProven} and {Reserves.Configuration.ReserveEvidenceNames.CustodianAttested} addresses only; {Reserves.Configuration.ReserveEvidenceNames.SelfDeclared} ones are reported, never counted");
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
        var (registryRpc, registry) = CustodianOptions();
        var command = new Command("verify", "Re-read the chains at the recorded heights and check every figure and signature of a reserves file.") { file, config, registryRpc, registry };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            var settings = ReservesConfigFile.Read(parseResult.GetValue(config)!);
            var report = ReservesReportFile.Read(path);
            using var http = ChainHttp.CreateClient();
            var custodians = await CustodiansAsync(parseResult, registryRpc, registry, settings,
                report.Window is { } window ? DateTimeOffset.FromUnixTimeSeconds((long)window.End) : DateTimeOffset.UtcNow).ConfigureAwait(false);
            var outcome = await ReservesVerification.VerifyAsync(report, settings.Institution, ReserveChains.Open(settings, http), path, custodians, cancellationToken).ConfigureAwait(false);
            return Console.Verdict.Print(context, outcome.Confirmed, outcome.Failures, outcome.NotChecked,
                string.Create(CultureInfo.InvariantCulture, $"VALID: reserves of epoch {report.Epoch} recomputed from the chains"));
        });
        return command;
    }

    private static (Option<string?> Rpc, Option<string?> Registry) CustodianOptions() =>
        (new Option<string?>("--registry-rpc") { Description = "JSON-RPC URL of the SolvencyRegistry's chain, where custodians are registered (needed when an address is custodian-attested; never printed)" },
         new Option<string?>("--registry") { Description = "Address of the SolvencyRegistry whose custodians judge the custody statements" });

    // The registry's custodians, judged at `at`; null without a registry (a custody statement then counts for nothing).
    private static async Task<Reserves.Evidence.CustodianRegister?> CustodiansAsync(
        ParseResult parseResult, Option<string?> rpc, Option<string?> registry, Reserves.Configuration.ReservesConfig settings, DateTimeOffset at)
    {
        if (parseResult.GetValue(rpc) is not { } url || parseResult.GetValue(registry) is not { } address)
        {
            return null;
        }
        var client = new Chains.Evm.Registry.SolvencyRegistryClient(new Nethereum.Web3.Web3(url), RegistryOptions.Address(address, "--registry"), address);
        return await Reserves.Evidence.CustodianRegister.ReadAsync(client, settings.Custodians(), at).ConfigureAwait(false);
    }

    private static void Progress(CliContext context, string line)
    {
        if (context.Interactive)
        {
            context.Error.WriteLine(line);
        }
    }
}
