using System.CommandLine;
using Aggregator.Proving;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator prove solvency|inclusion</c>: Groth16 proofs of an epoch through snarkjs.</summary>
internal static class ProveCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("prove", "Prove an epoch's solvency against reserves, or one account's inclusion (Groth16, snarkjs).");
        command.Subcommands.Add(Solvency(context));
        command.Subcommands.Add(Inclusion(context));
        return command;
    }

    private static Option<string> EpochOption() => new("--epoch") { Description = "The epoch directory written by `aggregator commit`", Required = true };

    private static Command Solvency(CliContext context)
    {
        var epoch = EpochOption();
        var reserves = new Option<string>("--reserves") { Description = "RESERVES.json: { \"reserves\": { \"BTC\": \"12.5\", ... } } in whole units (rounded down)", Required = true };
        var command = new Command("solvency", "Prove that every asset's liabilities are at most its reserves; writes DIR/solvency-proof.json and adds the reserves to the manifest.")
        {
            epoch, reserves,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            context.WarnIfKeysInsecure();
            var prover = new EpochProofs(new SnarkjsProver(SnarkjsProver.LocateCircuits()));
            var result = await prover.ProveSolvencyAsync(parseResult.GetValue(epoch)!, parseResult.GetValue(reserves)!, cancellationToken).ConfigureAwait(false);
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

    private static Command Inclusion(CliContext context)
    {
        var epoch = EpochOption();
        var account = new Option<string>("--account") { Description = "The account id, as in the ledger", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write the account's file (default: DIR/inclusion/<account>.json)" };
        var command = new Command("inclusion", "Prove that one account is counted with its balances; writes the file handed to that account, which names no other account.")
        {
            epoch, account, output,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var directory = parseResult.GetValue(epoch)!;
            var id = parseResult.GetValue(account)!;
            var path = parseResult.GetValue(output) ?? Path.Combine(directory, "inclusion", EpochProofs.InclusionFileName(id));
            context.WarnIfKeysInsecure();
            var prover = new EpochProofs(new SnarkjsProver(SnarkjsProver.LocateCircuits()));
            await prover.ProveInclusionAsync(directory, id, path, cancellationToken).ConfigureAwait(false);
            context.Output.WriteLine($"inclusion proof for '{id}' written to {path}");
            return ExitCodes.Success;
        });
        return command;
    }
}
