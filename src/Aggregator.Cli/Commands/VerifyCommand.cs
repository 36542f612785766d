using System.CommandLine;
using System.Globalization;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.Proving;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator verify solvency|inclusion</c>: native verification, printing what was checked.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("verify", "Verify a solvency or inclusion proof natively (BN254 pairing), printing each check. Exit 0 valid, 1 invalid, 2 bad input.");
        command.Subcommands.Add(Solvency(context));
        command.Subcommands.Add(Inclusion(context));
        return command;
    }

    private static Option<string?> VerificationKeyOption() => new("--vkey")
    {
        Description = "The circuit's verification_key.json (default: circuits/keys/<circuit>.vkey.json)",
    };

    private static Command Solvency(CliContext context)
    {
        var epoch = new Option<string>("--epoch") { Description = "The epoch directory (manifest.json, solvency-proof.json)", Required = true };
        var vkey = VerificationKeyOption();
        var rpc = new Option<string?>("--rpc") { Description = "With --registry: also check that the root on chain is the manifest's" };
        var registry = new Option<string?>("--registry") { Description = "Address of the SolvencyRegistry the epoch was published to" };
        var command = new Command("solvency", "Check DIR/solvency-proof.json against the manifest's root and reserves, and optionally the root on chain.")
        {
            epoch, vkey, rpc, registry,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var directory = parseResult.GetValue(epoch)!;
            var key = parseResult.GetValue(vkey) ?? ProofChecks.DefaultVerificationKey(Path.Combine(directory, EpochProofs.SolvencyProofFile));
            var report = ProofChecks.Solvency(directory, key);
            if (report.IsValid && parseResult.GetValue(rpc) is { } url)
            {
                var address = parseResult.GetValue(registry) ?? throw new InputException("--rpc needs --registry", field: "--registry");
                report = await OnChain(report, EpochDirectory.ReadManifest(directory), url, address).ConfigureAwait(false);
            }
            return Print(context, report);
        });
        return command;
    }

    private static Command Inclusion(CliContext context)
    {
        var proof = new Option<string>("--proof") { Description = "The account's inclusion file", Required = true };
        var manifest = new Option<string?>("--manifest") { Description = "The epoch's published manifest.json: its root hash must be the proof's" };
        var vkey = VerificationKeyOption();
        var command = new Command("inclusion", "Recompute the leaf from the account's id, salt and balances, and check the proof against the root.") { proof, manifest, vkey };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(proof)!;
            var published = parseResult.GetValue(manifest) is { } manifestPath
                ? EpochDirectory.ReadManifest(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!).RootHash
                : null;
            var key = parseResult.GetValue(vkey) ?? ProofChecks.DefaultVerificationKey(path);
            return Print(context, ProofChecks.Inclusion(path, key, published));
        });
        return command;
    }

    private static async Task<ProofChecks.Report> OnChain(ProofChecks.Report report, EpochManifest manifest, string rpc, string registry)
    {
        var publisher = manifest.Publication?.Publisher
            ?? throw new InputException("the manifest records no publication (publisher address): run `aggregator publish` first");
        var client = new SolvencyRegistryClient(new Web3(rpc), registry, publisher);
        var root = await client.RootOfAsync(publisher, manifest.Epoch).ConfigureAwait(false);
        var passed = report.Passed.ToList();
        if (root is null)
        {
            return new ProofChecks.Report(passed, $"the registry {registry} holds no root for publisher {publisher}, epoch {manifest.Epoch}");
        }
        if (root.Value.ToString(CultureInfo.InvariantCulture) != manifest.RootHash)
        {
            return new ProofChecks.Report(passed, $"the root on chain {root} is not the manifest's {manifest.RootHash}");
        }
        passed.Add($"the registry {registry} holds root {manifest.RootHash} for publisher {publisher}, epoch {manifest.Epoch}");
        return new ProofChecks.Report(passed, null);
    }

    private static int Print(CliContext context, ProofChecks.Report report)
    {
        foreach (var check in report.Passed)
        {
            context.Output.WriteLine($"ok: {check}");
        }
        if (report.Failure is { } failure)
        {
            context.Output.WriteLine($"INVALID: {failure}");
            return ExitCodes.CheckFailed;
        }
        context.Output.WriteLine("VALID");
        return ExitCodes.Success;
    }
}
