using System.CommandLine;
using Aggregator.OneShot;
using Aggregator.Proving;
using Aggregator.Proving.Ceremony;

namespace Aggregator.InclusionProver;

/// <summary>
/// <c>aggregator-prove inclusion --epoch DIR --account ID [--out FILE] [--keys DIR]</c>: what
/// <c>aggregator prove inclusion --account</c> does with the native prover (<see cref="EpochProofs"/>,
/// <see cref="NativeProver"/>), the same file, lines and exit codes, as a command compiled ahead of time.
/// </summary>
public static class InclusionProverApplication
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var epoch = new Option<string>("--epoch") { Description = "The epoch directory (written by `aggregator commit`)", Required = true };
        var account = new Option<string>("--account") { Description = "The account id, as in the ledger", Required = true };
        var file = new Option<string?>("--out") { Description = "Where to write the account's file (default DIR/inclusion/<account>.json)" };
        var keys = new Option<string?>("--keys") { Description = "A directory holding CIRCUIT.sym, CIRCUIT.zkey and CIRCUIT.vkey.json (default: $AGGREGATOR_KEYS, else the keys installed with aggregator-prove); every key must match its pinned verification key" };
        var inclusion = new Command("inclusion", "Prove that an account is counted with its balances; writes the file handed to that account, which names no other account.")
        {
            epoch, account, file, keys,
        };
        inclusion.SetAction(async (parseResult, cancellationToken) =>
        {
            var provingKeys = ProvingKeys.Locate(parseResult.GetValue(keys));
            var verificationKeys = VerificationKeys.Locate(parseResult.GetValue(keys));
            if (KeySecurity.InsecureBecause(verificationKeys.Directory, publisher: null).Count > 0)
            {
                error.WriteLine(KeySecurity.Warning);
            }
            error.WriteLine($"proving keys: {provingKeys.Describe()}");
            var directory = parseResult.GetValue(epoch)!;
            var id = parseResult.GetValue(account)!;
            var path = parseResult.GetValue(file) ?? Path.Combine(directory, "inclusion", EpochProofs.InclusionFileName(id));
            using var prover = new NativeProver(provingKeys, verificationKeys);
            await new EpochProofs(prover).ProveInclusionAsync(directory, id, path, cancellationToken).ConfigureAwait(false);
            foreach (var (circuit, source) in prover.WitnessSources)
            {
                error.WriteLine($"witness of {circuit}: {source}");
            }
            output.WriteLine($"inclusion proof for '{id}' written to {path}");
            return OneShotCommand.Success;
        });
        var root = new RootCommand("aggregator-prove: one account's inclusion proof, natively, with the pinned keys. Exit 0 proved, 2 bad input.") { inclusion };
        return OneShotCommand.Run(root, "aggregator-prove", args, output, error);
    }
}
