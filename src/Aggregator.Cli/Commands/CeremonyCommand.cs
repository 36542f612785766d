using System.CommandLine;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Errors;
using Aggregator.Prover.Ceremony;
using Aggregator.Proving;
using Aggregator.Proving.Ceremony;
using Nethereum.Signer;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator ceremony init | contribute | finalize | verify</c>: keys from a ceremony, not from the
/// institution (docs/proofs.md, "Keys from a ceremony"), through snarkjs 0.7.6.
/// </summary>
internal static class CeremonyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("ceremony", "A circuit's phase-2 key ceremony: start it from a public phase 1, add signed contributions, apply a beacon, verify it all.");
        command.Subcommands.Add(Init(context));
        command.Subcommands.Add(Contribute(context));
        command.Subcommands.Add(Finalize(context));
        command.Subcommands.Add(Verify(context));
        return command;
    }

    private static Option<string> Dir() => new("--dir") { Description = "The ceremony's directory (its transcript.json and zkeys)", Required = true };

    private static Option<string> Ptau() => new("--ptau") { Description = "The phase-1 file (powers of tau); production keys need the pinned public one", Required = true };

    private static KeyCeremony Ceremony() => new(new SnarkjsCli(SnarkjsProver.LocateCircuits()));

    private static Command Init(CliContext context)
    {
        var (dir, ptau) = (Dir(), Ptau());
        var circuit = new Option<string>("--circuit") { Description = $"The circuit ({string.Join(", ", VerificationKeys.Circuits)})", Required = true };
        var r1cs = new Option<string>("--r1cs") { Description = "The circuit's r1cs (`bash circuits/scripts/compile.sh DIR`): it must be the one the product's keys are for", Required = true };
        var command = new Command("init", "Start a ceremony: the initial zkey from the circuit's r1cs and the phase-1 file (snarkjs zkey new).") { circuit, r1cs, ptau, dir };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(circuit)!;
            var transcript = await Ceremony().InitAsync(parseResult.GetValue(dir)!, name, parseResult.GetValue(r1cs)!, parseResult.GetValue(ptau)!,
                KeyCeremony.ExpectedR1csSha256(SnarkjsProver.LocateCircuits(), name), cancellationToken).ConfigureAwait(false);
            context.Output.WriteLine($"ceremony of {name} started in {parseResult.GetValue(dir)}: r1cs {transcript.R1csSha256}, phase 1 {transcript.Phase1.Sha256} ({transcript.Phase1.Source})");
            if (!Phase1.Files.ContainsKey(transcript.Phase1.Sha256))
            {
                context.Error.WriteLine("warning: this phase 1 is not a pinned public powers of tau: keys from this ceremony will be INSECURE");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Contribute(CliContext context)
    {
        var dir = Dir();
        var name = new Option<string>("--name") { Description = "The contributor's name, as the transcript and the keys record it (up to 64 bytes)", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "The contributor's signing key (hex): its address signs the contribution", Required = true };
        var command = new Command("contribute", "Add a contribution with fresh randomness (snarkjs zkey contribute), signed by the contributor's key, to the transcript.") { dir, name, keyFile };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var key = new EthECKey(PublisherKey.ReadKey(parseResult.GetValue(keyFile)!));
            var added = await Ceremony().ContributeAsync(parseResult.GetValue(dir)!, parseResult.GetValue(name)!, key, cancellationToken).ConfigureAwait(false);
            context.Output.WriteLine($"contribution by \"{added.Name}\" ({added.Signer}) written to {added.Zkey}: contribution hash {added.ContributionHash}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Finalize(CliContext context)
    {
        var dir = Dir();
        var beacon = new Option<string>("--beacon") { Description = "The beacon: public randomness nobody could know before the last contribution (hex, 1 to 64 bytes), e.g. a future block's hash", Required = true };
        var source = new Option<string>("--beacon-source") { Description = "Where the beacon comes from, so that anyone can check it", Required = true };
        var command = new Command("finalize", "Apply the beacon (snarkjs zkey beacon, 2^10 iterations) and export the final proving key, verification key and Solidity verifier.") { dir, beacon, source };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var done = await Ceremony().FinalizeAsync(parseResult.GetValue(dir)!, parseResult.GetValue(beacon)!, parseResult.GetValue(source)!, cancellationToken).ConfigureAwait(false);
            context.Output.WriteLine($"finalized after {done.Contributions.Count} contributions and the beacon: {done.Keys!.Zkey} (sha256 {done.Keys.ZkeySha256}), {done.Keys.VerificationKey} (sha256 {done.Keys.VerificationKeySha256}), {done.Keys.Verifier}");
            context.Output.WriteLine("publish transcript.json with the keys; a registry takes new keys only as a new deployment (its verifiers are immutable)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Verify(CliContext context)
    {
        var (dir, ptau) = (Dir(), Ptau());
        var publisher = new Option<string>("--publisher") { Description = "The publisher the keys would serve: at least one contribution must be signed by another key", Required = true };
        var rpc = new Option<string?>("--rpc") { Description = "With --registry: check that the registry's verifier is this ceremony's" };
        var registry = new Option<string?>("--registry") { Description = "The SolvencyRegistry whose verifier must be this ceremony's" };
        var command = new Command("verify", "Check a ceremony whole (snarkjs zkey verify, the transcript's contributions and signatures, the exported keys); prints INSECURE unless a pinned phase 1, two signed contributions besides the beacon from distinct keys, one not the publisher's.")
        {
            dir, ptau, publisher, rpc, registry,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var directory = parseResult.GetValue(dir)!;
            var who = RegistryOptions.Address(parseResult.GetValue(publisher)!, "--publisher");
            var circuits = SnarkjsProver.LocateCircuits();
            var transcript = CeremonyTranscript.Read(directory);
            var report = await Ceremony().VerifyAsync(directory, parseResult.GetValue(ptau)!, KeyCeremony.ExpectedR1csSha256(circuits, transcript.Circuit), who, Phase1.Files, cancellationToken).ConfigureAwait(false);
            var (passed, failures, notChecked) = (report.Passed.ToList(), report.Failures.ToList(), new List<string>());
            if (parseResult.GetValue(rpc) is { } url && report.Failures.Count == 0)
            {
                var address = RegistryOptions.Address(parseResult.GetValue(registry) ?? throw new InputException("--rpc needs --registry", field: "--registry"), "--registry");
                var client = new SolvencyRegistryClient(new Web3(url), address, who);
                var (solvency, inclusion) = await client.VerifiersAsync().ConfigureAwait(false);
                var verifier = transcript.Circuit.StartsWith("solvency", StringComparison.Ordinal) ? solvency : inclusion;
                var expected = await KeyCeremony.VerifierRuntimeAsync(Path.Combine(circuits, "..", "contracts"), Path.Combine(directory, transcript.Keys!.Verifier), transcript.Circuit, cancellationToken).ConfigureAwait(false);
                var deployed = await client.CodeAtAsync(verifier).ConfigureAwait(false);
                (string.Equals(deployed, expected, StringComparison.OrdinalIgnoreCase) ? passed : failures).Add(
                    string.Equals(deployed, expected, StringComparison.OrdinalIgnoreCase)
                        ? $"registry {address}: its {KeyCeremony.VerifierName(transcript.Circuit)} at {verifier} is this ceremony's verifier, byte for byte"
                        : $"registry {address}: its {KeyCeremony.VerifierName(transcript.Circuit)} at {verifier} is not this ceremony's verifier (compiled with the repository's solc): proofs there are checked with other keys");
            }
            else if (parseResult.GetValue(rpc) is null)
            {
                notChecked.Add("the registry's verifier (give --rpc and --registry)");
            }
            return Console.Verdict.Print(context, passed, failures, notChecked, "SECURE", report.Insecure);
        });
        return command;
    }
}
