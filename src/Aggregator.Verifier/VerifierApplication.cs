using System.CommandLine;
using Aggregator.OneShot;
using Aggregator.Proving;
using Aggregator.Proving.Ceremony;

namespace Aggregator.Verifier;

/// <summary>
/// <c>aggregator-verify inclusion|attestation --proof FILE --manifest FILE [--keys DIR]</c>: the same
/// checks as <c>aggregator verify</c> against a manifest (<see cref="ProofChecks"/>), the same lines and
/// the same exit codes (0 valid, 1 invalid, 2 bad input, 3 internal error). What needs a chain (the
/// registry's record, a solvency proof's reserves) stays with <c>aggregator verify</c>.
/// </summary>
public static class VerifierApplication
{
    public const int Valid = OneShotCommand.Success;
    public const int Invalid = OneShotCommand.CheckFailed;
    public const int BadInput = OneShotCommand.BadInput;
    public const int InternalError = OneShotCommand.InternalError;

    private delegate ProofChecks.Report Check(string proofPath, ProofChecks.Published published, VerificationKeys keys);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var root = new RootCommand("aggregator-verify: checks an account's inclusion proof or a collateral attestation against an epoch's manifest, natively, against the pinned verification keys. Exit 0 valid, 1 invalid, 2 bad input.")
        {
            Verb("inclusion", "Recompute the leaf from the account's id, salt and balances, and check the proof against the manifest's commitment.", "The account's inclusion file", ProofChecks.Inclusion, output, error),
            Verb("attestation", "Check a collateral attestation against the manifest's commitment: the terms it states are what the proof proves.", "The collateral attestation file", ProofChecks.Attestation, output, error),
        };
        return OneShotCommand.Run(root, "aggregator-verify", args, output, error);
    }

    private static Command Verb(string name, string description, string proofDescription, Check check, TextWriter output, TextWriter error)
    {
        var proof = new Option<string>("--proof") { Description = proofDescription, Required = true };
        var manifest = new Option<string>("--manifest") { Description = "The epoch's published manifest file: every parameter of the proof must be its", Required = true };
        var keys = new Option<string?>("--keys") { Description = "A directory of verification keys (default: the keys installed with aggregator-verify); each must match its pinned SHA-256" };
        var command = new Command(name, description) { proof, manifest, keys };
        command.SetAction(parseResult =>
        {
            var verificationKeys = VerificationKeys.Locate(parseResult.GetValue(keys));
            if (KeySecurity.InsecureBecause(verificationKeys.Directory, publisher: null).Count > 0)
            {
                error.WriteLine(KeySecurity.Warning);
            }
            var published = ProofChecks.Published.FromManifest(parseResult.GetValue(manifest)!);
            var report = check(parseResult.GetValue(proof)!, published, verificationKeys);
            foreach (var passed in report.Passed)
            {
                output.WriteLine($"ok: {passed}");
            }
            if (report.Failure is { } failure)
            {
                output.WriteLine($"INVALID: {failure}");
                return Invalid;
            }
            output.WriteLine("VALID");
            output.WriteLine(published.NotAPublication);
            return Valid;
        });
        return command;
    }
}
