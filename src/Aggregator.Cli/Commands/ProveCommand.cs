using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Aggregator.Core.Errors;
using Aggregator.Prover;
using Aggregator.Proving;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator prove solvency|inclusion</c>: Groth16 proofs of an epoch, native by default (no Node),
/// or through snarkjs for comparison.
/// </summary>
internal static class ProveCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("prove", "Prove an epoch's solvency against reserves, or accounts' inclusion (Groth16; native, or snarkjs with --prover snarkjs).");
        command.Subcommands.Add(Solvency(context));
        command.Subcommands.Add(Inclusion(context));
        return command;
    }

    private static Option<string> EpochOption() => new("--epoch") { Description = "The epoch directory written by `aggregator commit`", Required = true };

    private static Option<string> ProverOption() => new("--prover")
    {
        Description = "native (in process, no Node: the witness computed natively, or through Wasmtime for a circuit without native templates; the proof in C#) or snarkjs (Node and `npm ci` in circuits/)",
        DefaultValueFactory = _ => "native",
    };

    private static Option<string?> KeysOption() => new("--keys")
    {
        Description = "A directory holding CIRCUIT.sym, CIRCUIT.wasm, CIRCUIT.zkey and CIRCUIT.vkey.json (default: $AGGREGATOR_KEYS, else the keys installed with aggregator); every key must match its pinned verification key",
    };

    /// <summary>The chosen prover; says which keys it uses.</summary>
    private static IProver Prover(CliContext context, ParseResult parseResult, Option<string> prover, Option<string?> keys)
    {
        switch (parseResult.GetValue(prover))
        {
            case "native":
                var provingKeys = ProvingKeys.Locate(parseResult.GetValue(keys));
                context.Error.WriteLine($"proving keys: {provingKeys.Describe()}");
                return new NativeProver(provingKeys, VerificationKeys.Locate(parseResult.GetValue(keys)));
            case "snarkjs":
                if (parseResult.GetValue(keys) != null)
                {
                    throw new InputException("--keys applies to the native prover; snarkjs uses circuits/keys", field: "--keys");
                }
                var circuits = SnarkjsProver.LocateCircuits();
                context.Error.WriteLine($"proving with snarkjs, keys: {Path.Combine(circuits, "keys")}");
                return new SnarkjsProver(circuits);
            case var other:
                throw new InputException($"unknown prover '{other}': native or snarkjs", field: "--prover");
        }
    }

    private static Command Solvency(CliContext context)
    {
        var epoch = EpochOption();
        var reserves = new Option<string>("--reserves") { Description = "RESERVES.json: { \"reserves\": { \"BTC\": \"12.5\", ... } } in whole units (rounded down)", Required = true };
        var coverage = new Option<string?>("--coverage")
        {
            Description = "Coverage ratios in basis points to prove, e.g. BTC=10500,USDC=12000 (reserves at least ratio/10000 of the liabilities); 10000 for an asset not named. Publishing needs the ratios the registry fixes for the epoch (`registry coverage`)",
        };
        var prover = ProverOption();
        var keys = KeysOption();
        var command = new Command("solvency", "Prove that every asset's reserves cover its liabilities (at least the coverage ratio, the liabilities hidden); writes DIR/solvency-proof.json and adds the reserves and ratios to the manifest.")
        {
            epoch, reserves, coverage, prover, keys,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            context.WarnIfKeysInsecure();
            // The prover lives as long as the command (the process): its loaded keys need no disposal.
            var chosen = Prover(context, parseResult, prover, keys);
            var proofs = new EpochProofs(chosen);
            var directory = parseResult.GetValue(epoch)!;
            var ratios = CoverageRatios(parseResult.GetValue(coverage), Aggregator.Commitment.EpochDirectory.ReadManifest(directory).Assets.Select(a => a.Symbol).ToArray());
            var result = await proofs.ProveSolvencyAsync(directory, parseResult.GetValue(reserves)!, ratios, cancellationToken).ConfigureAwait(false);
            ReportWitness(context, chosen);
            foreach (var symbol in result.Ignored)
            {
                context.Error.WriteLine($"note: the reserves of {symbol} are ignored: the epoch commits to no liabilities in {symbol}");
            }
            if (!result.Solvent)
            {
                foreach (var shortfall in result.Shortfalls)
                {
                    context.Error.WriteLine($"not covered: {shortfall}");
                }
                context.Error.WriteLine("no solvency proof written");
                return ExitCodes.CheckFailed;
            }
            context.Output.WriteLine($"solvency proof written to {result.ProofPath}");
            return ExitCodes.Success;
        });
        return command;
    }

    // "BTC=10500,USDC=12000" as one ratio per asset of the layout, 10000 for those not named.
    private static uint[] CoverageRatios(string? text, IReadOnlyList<string> symbols)
    {
        var ratios = symbols.Select(_ => EpochProofs.FullCoverage).ToArray();
        foreach (var (symbol, value) in SymbolPairs.Parse(text ?? "", "--coverage"))
        {
            var index = symbols.ToList().IndexOf(symbol);
            if (index < 0 || !uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ratios[index]))
            {
                throw new InputException($"'{symbol}={value}' is not SYMBOL=BASIS_POINTS for an asset of the epoch ({string.Join(", ", symbols)})", field: "--coverage");
            }
        }
        return ratios;
    }

    private static Command Inclusion(CliContext context)
    {
        var epoch = EpochOption();
        var account = new Option<string?>("--account") { Description = "The account id, as in the ledger" };
        var all = new Option<bool>("--all") { Description = "Every account of the epoch; an interrupted run, started again, keeps the files already written that verify" };
        var output = new Option<string?>("--out") { Description = "Where to write: the account's file (default DIR/inclusion/<account>.json), or with --all the directory (default DIR/inclusion)" };
        var prover = ProverOption();
        var keys = KeysOption();
        var bus = new BusOptions(required: false, defaultBus: "none");
        bus.Bus.Description = "With --all: amqps://operator@host:port/vhost of the running services, to have their prover replicas prove the epoch in batches (the epoch's directory must be on the volume they share); absent, this process proves";
        var batch = new Option<int>("--batch") { Description = "With --all over the bus: accounts per batch (default 256)", DefaultValueFactory = _ => 256 };
        var command = new Command("inclusion", "Prove that an account is counted with its balances; writes the file handed to that account, which names no other account.")
        {
            epoch, account, all, output, prover, keys, batch,
        };
        foreach (var option in bus.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var directory = parseResult.GetValue(epoch)!;
            var id = parseResult.GetValue(account);
            var every = parseResult.GetValue(all);
            if ((id == null) == !every)
            {
                throw new InputException("give either --account ID or --all", field: "--account");
            }
            context.WarnIfKeysInsecure();
            if (every && parseResult.GetValue(bus.Bus) != "none")
            {
                if (parseResult.GetValue(output) is not null)
                {
                    throw new InputException("the prover replicas write into the epoch's inclusion/ folder: --out does not go with --bus", field: "--out");
                }
                if (parseResult.GetValue(batch) < 1)
                {
                    throw new InputException("--batch is a number of accounts, at least 1", field: "--batch");
                }
                var transport = bus.Parse(parseResult);
                var replicas = await BusClient.RunAsync(transport, services => InclusionBatches.ProveAllAsync(
                    services.GetRequiredService<MassTransit.IBus>(), directory, parseResult.GetValue(batch), new ProgressLines(context), cancellationToken), cancellationToken).ConfigureAwait(false);
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{replicas.Total} inclusion proofs in {Path.Combine(directory, InclusionBatches.Folder)} by the prover replicas: {replicas.Proved} proved in {replicas.Elapsed.TotalSeconds:F1} s, {replicas.Kept} kept from an earlier run"));
                return ExitCodes.Success;
            }
            var chosen = Prover(context, parseResult, prover, keys);
            var proofs = new EpochProofs(chosen);
            if (!every)
            {
                var path = parseResult.GetValue(output) ?? Path.Combine(directory, "inclusion", EpochProofs.InclusionFileName(id!));
                await proofs.ProveInclusionAsync(directory, id!, path, cancellationToken).ConfigureAwait(false);
                ReportWitness(context, chosen);
                context.Output.WriteLine($"inclusion proof for '{id}' written to {path}");
                return ExitCodes.Success;
            }
            var folder = parseResult.GetValue(output) ?? Path.Combine(directory, "inclusion");
            var done = await proofs.ProveAllInclusionsAsync(directory, folder, VerificationKeys.Locate(parseResult.GetValue(keys)), new ProgressLines(context), cancellationToken).ConfigureAwait(false);
            ReportWitness(context, chosen);
            var rate = done.Proved / Math.Max(done.Elapsed.TotalSeconds, 1e-9);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{done.Total} inclusion proofs in {folder}: {done.Proved} proved in {done.Elapsed.TotalSeconds:F1} s ({rate:F2} proofs/s{(done.Precomputation > TimeSpan.Zero ? $", of which {done.Precomputation.TotalSeconds:F1} s to build the prover's window multiples first" : "")}), {done.Kept} kept from an earlier run"));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Says how the native prover computed each witness (natively, or through Wasmtime and why).</summary>
    private static void ReportWitness(CliContext context, IProver prover)
    {
        if (prover is NativeProver native)
        {
            foreach (var (circuit, source) in native.WitnessSources)
            {
                context.Error.WriteLine($"witness of {circuit}: {source}");
            }
        }
    }

    /// <summary>One line per update on a terminal (redrawn), else a line every ten seconds and at the end.</summary>
    private sealed class ProgressLines(CliContext context) : IProgress<EpochProofs.InclusionProgress>
    {
        private readonly Stopwatch _sinceLine = Stopwatch.StartNew();

        public void Report(EpochProofs.InclusionProgress value)
        {
            var last = value.Done == value.Total;
            if (!last && _sinceLine.Elapsed < TimeSpan.FromSeconds(context.Interactive ? 0.2 : 10))
            {
                return;
            }
            _sinceLine.Restart();
            var rate = value.Proved / Math.Max(value.Elapsed.TotalSeconds, 1e-9);
            var line = string.Create(CultureInfo.InvariantCulture, $"inclusion proofs: {value.Done:N0} of {value.Total:N0} ({value.Kept:N0} kept), {rate:F2} proofs/s, {EpochProofs.TimeLeft(value)} left");
            if (context.Interactive)
            {
                context.Error.Write($"\r{line}");
                if (last)
                {
                    context.Error.WriteLine();
                }
            }
            else
            {
                context.Error.WriteLine(line);
            }
        }
    }
}
