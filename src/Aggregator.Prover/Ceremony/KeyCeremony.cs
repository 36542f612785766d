using System.Globalization;
using System.Security.Cryptography;
using Aggregator.Core.Errors;
using Aggregator.Proving;
using Aggregator.Proving.Ceremony;
using Nethereum.Signer;

namespace Aggregator.Prover.Ceremony;

/// <summary>
/// A circuit's phase-2 ceremony in a directory, driven through snarkjs 0.7.6 (<c>zkey new | contribute |
/// beacon | verify</c>): <see cref="InitAsync"/> from the circuit's r1cs and a phase-1 file,
/// <see cref="ContributeAsync"/> once per named contributor, each signing its contribution,
/// <see cref="FinalizeAsync"/> with a public beacon, and <see cref="VerifyAsync"/> by anyone. Every file is
/// written whole (to a temporary name, then renamed) and the transcript last, so a step that fails leaves
/// the ceremony as it was.
/// </summary>
public sealed class KeyCeremony(SnarkjsCli snarkjs)
{
    /// <summary>The beacon's hash iterations, 2^10 (the issue and snarkjs's examples).</summary>
    public const int BeaconIterationsExp = 10;

    /// <summary>The Solidity verifier's contract name for a circuit (as contracts/generated names them).</summary>
    public static string VerifierName(string circuit) => circuit.StartsWith("solvency", StringComparison.Ordinal) ? "SolvencyVerifier" : "InclusionVerifier";

    /// <summary>The r1cs SHA-256 the product's keys of a circuit are for (circuits/keys/manifest.json).</summary>
    /// <exception cref="InputException">A circuit the product does not verify.</exception>
    public static string ExpectedR1csSha256(string circuitsDirectory, string circuit)
    {
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(circuitsDirectory, "keys", "manifest.json")));
        return Proving.VerificationKeys.Circuits.Contains(circuit)
            && manifest.RootElement.GetProperty("circuits").TryGetProperty(circuit, out var entry)
            ? entry.GetProperty("r1csSha256").GetString()!
            : throw new InputException($"no circuit '{circuit}' to hold a ceremony for (known: {string.Join(", ", Proving.VerificationKeys.Circuits)})", field: "--circuit");
    }

    /// <summary>
    /// The runtime code of the ceremony's Solidity verifier compiled with the repository's solc configuration
    /// (contracts/scripts/runtime-bytecode.mjs): what the registry's verifier must hold.
    /// </summary>
    public static async Task<string> VerifierRuntimeAsync(string contractsDirectory, string verifierSol, string circuit, CancellationToken cancellationToken = default)
    {
        var run = await NodeScript.RunAsync("node", Path.Combine(contractsDirectory, "scripts", "runtime-bytecode.mjs"), [verifierSol, VerifierName(circuit)], cancellationToken).ConfigureAwait(false);
        return run.ExitCode == 0 ? run.Output.Trim()
            : throw new InvalidOperationException($"solc could not compile {verifierSol}: {run.Error.Trim()}");
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Starts a ceremony: checks the r1cs is the circuit's, copies it in, and writes the initial zkey (snarkjs <c>zkey new</c>).</summary>
    /// <param name="expectedR1csSha256">The r1cs the product's keys are for (circuits/keys/manifest.json).</param>
    /// <exception cref="InputException">A directory that already holds a ceremony, missing files, an r1cs that is not the circuit's.</exception>
    public async Task<CeremonyTranscript> InitAsync(string directory, string circuit, string r1cs, string ptau, string expectedR1csSha256, CancellationToken cancellationToken = default)
    {
        if (File.Exists(Path.Combine(directory, CeremonyTranscript.FileName)))
        {
            throw new InputException("a ceremony already started here", file: Path.Combine(directory, CeremonyTranscript.FileName));
        }
        foreach (var (path, what) in new[] { (r1cs, "--r1cs"), (ptau, "--ptau") })
        {
            if (!File.Exists(path))
            {
                throw new InputException("the file does not exist", file: path, field: what);
            }
        }
        var r1csSha = Sha256Of(r1cs);
        if (r1csSha != expectedR1csSha256)
        {
            throw new InputException($"this r1cs (sha256 {r1csSha}) is not circuit {circuit}'s ({expectedR1csSha256}): keys from it would not verify this product's proofs", file: r1cs);
        }
        Directory.CreateDirectory(directory);
        var copied = Path.Combine(directory, $"{circuit}.r1cs");
        File.Copy(r1cs, copied + ".tmp", overwrite: true);
        File.Move(copied + ".tmp", copied, overwrite: true);
        var initial = Path.Combine(directory, $"{circuit}_0000.zkey");
        await RunToFileAsync(["zkey", "new", copied, ptau], initial, "zkey new", cancellationToken).ConfigureAwait(false);
        var phase1Sha = Sha256Of(ptau);
        var transcript = new CeremonyTranscript(CeremonyTranscript.CurrentFormat, circuit, r1csSha,
            new CeremonyTranscript.Phase1File(phase1Sha, Phase1.Files.GetValueOrDefault(phase1Sha) ?? $"{Path.GetFileName(ptau)}: NOT a pinned public ceremony (local, development only)"),
            Sha256Of(initial), [], null, null);
        transcript.Write(directory);
        return transcript;
    }

    /// <summary>Adds one contribution (snarkjs <c>zkey contribute</c>, fresh randomness) signed by the contributor's key.</summary>
    /// <exception cref="InputException">A finalized ceremony, a name snarkjs would cut or that spans lines, or a latest zkey that is not the transcript's.</exception>
    public async Task<CeremonyTranscript.Contribution> ContributeAsync(string directory, string name, EthECKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var transcript = CeremonyTranscript.Read(directory);
        if (transcript.Beacon is not null)
        {
            throw new InputException("the ceremony is finalized: a contribution after the beacon would undo its guarantee", file: Path.Combine(directory, CeremonyTranscript.FileName));
        }
        CheckName(name);
        var previous = LatestZkey(directory, transcript);
        var number = transcript.Contributions.Count + 1;
        var next = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{transcript.Circuit}_{number:D4}.zkey"));
        // snarkjs mixes its own 64 random bytes into this entropy: the command line (visible to other local
        // users) alone does not reveal the contribution's secret.
        var output = await RunToFileAsync(["zkey", "contribute", previous, $"--name={name}", $"-e={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}"], next, "zkey contribute", cancellationToken).ConfigureAwait(false);
        var hash = SnarkjsCli.Hashes(output).LastOrDefault(h => h.Label.EndsWith("Contribution Hash:", StringComparison.Ordinal)).Hash
            ?? throw new InvalidOperationException($"snarkjs printed no contribution hash: {output}");
        var (previousSha, zkeySha) = (transcript.LatestZkeySha256, Sha256Of(next));
        var statement = CeremonyTranscript.Contribution.Statement(transcript, number, name, previousSha, zkeySha, hash);
        var contribution = new CeremonyTranscript.Contribution(name, key.GetPublicAddress(), Path.GetFileName(next), previousSha, zkeySha, hash,
            new EthereumMessageSigner().EncodeUTF8AndSign(statement, key));
        (transcript with { Contributions = [.. transcript.Contributions, contribution] }).Write(directory);
        return contribution;
    }

    /// <summary>
    /// Applies the public beacon last (snarkjs <c>zkey beacon</c>, 2^10 iterations), and exports the final
    /// proving key, verification key and Solidity verifier (<c>zkey export verificationkey |
    /// solidityverifier</c>).
    /// </summary>
    /// <exception cref="InputException">Already finalized, no contribution yet, or a beacon that is not 1 to 64 bytes of hex.</exception>
    public async Task<CeremonyTranscript> FinalizeAsync(string directory, string beaconHex, string beaconSource, CancellationToken cancellationToken = default)
    {
        var transcript = CeremonyTranscript.Read(directory);
        if (transcript.Beacon is not null)
        {
            throw new InputException("the ceremony is already finalized", file: Path.Combine(directory, CeremonyTranscript.FileName));
        }
        if (transcript.Contributions.Count == 0)
        {
            throw new InputException("no contribution yet: a beacon alone is public, and keys from it protect nothing", file: Path.Combine(directory, CeremonyTranscript.FileName));
        }
        var beacon = beaconHex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? beaconHex[2..] : beaconHex;
        if (beacon.Length is 0 or > 128 || beacon.Length % 2 != 0 || !beacon.All(char.IsAsciiHexDigit))
        {
            throw new InputException("the beacon must be 1 to 64 bytes of hex", field: "--beacon");
        }
        CheckName(beaconSource, "--beacon-source");
        beacon = beacon.ToLowerInvariant();
        var previous = LatestZkey(directory, transcript);
        var final = Path.Combine(directory, $"{transcript.Circuit}.zkey");
        var output = await RunToFileAsync(["zkey", "beacon", previous, beacon, BeaconIterationsExp.ToString(CultureInfo.InvariantCulture), $"--name=beacon: {beaconSource}"], final, "zkey beacon", cancellationToken).ConfigureAwait(false);
        var hash = SnarkjsCli.Hashes(output).LastOrDefault(h => h.Label.EndsWith("Contribution Hash:", StringComparison.Ordinal)).Hash
            ?? throw new InvalidOperationException($"snarkjs printed no contribution hash for the beacon: {output}");
        var vkey = Path.Combine(directory, $"{transcript.Circuit}.vkey.json");
        await ExportAsync(final, vkey, "verificationkey", cancellationToken).ConfigureAwait(false);
        var verifier = Path.Combine(directory, $"{VerifierName(transcript.Circuit)}.sol");
        await ExportAsync(final, verifier, "solidityverifier", cancellationToken).ConfigureAwait(false);
        var finalSha = Sha256Of(final);
        var done = transcript with
        {
            Beacon = new CeremonyTranscript.BeaconEntry(beacon, beaconSource, BeaconIterationsExp, hash, finalSha),
            Keys = new CeremonyTranscript.FinalKeys(Path.GetFileName(final), finalSha, Path.GetFileName(vkey), Sha256Of(vkey), Path.GetFileName(verifier)),
        };
        done.Write(directory);
        return done;
    }

    /// <summary>What <see cref="VerifyAsync"/> found: checks passed, failures (tampering), and why the keys are insecure.</summary>
    public sealed record Report(IReadOnlyList<string> Passed, IReadOnlyList<string> Failures, IReadOnlyList<string> Insecure);

    /// <summary>
    /// Checks a finalized ceremony whole: the r1cs is the circuit's, the phase-1 file is the transcript's,
    /// snarkjs <c>zkey verify</c> accepts the final key against both (every contribution's proof of
    /// knowledge and the beacon), its list of contributions is the transcript's, each signed by the key it
    /// names, and the exported keys and verifier are the final key's. Then applies
    /// <see cref="CeremonyRules"/>.
    /// </summary>
    public async Task<Report> VerifyAsync(string directory, string ptau, string expectedR1csSha256, string? publisher, IReadOnlyDictionary<string, string> pinnedPhase1, CancellationToken cancellationToken = default)
    {
        var transcript = CeremonyTranscript.Read(directory);
        var (passed, failures) = (new List<string>(), new List<string>());
        var r1cs = Path.Combine(directory, $"{transcript.Circuit}.r1cs");
        var r1csSha = File.Exists(r1cs) ? Sha256Of(r1cs) : "missing";
        if (r1csSha != expectedR1csSha256 || transcript.R1csSha256 != expectedR1csSha256)
        {
            failures.Add($"r1cs: the ceremony's ({r1csSha}, transcript {transcript.R1csSha256}) is not circuit {transcript.Circuit}'s ({expectedR1csSha256})");
        }
        if (!File.Exists(ptau))
        {
            throw new InputException("the phase-1 file does not exist", file: ptau, field: "--ptau");
        }
        var ptauSha = Sha256Of(ptau);
        if (ptauSha != transcript.Phase1.Sha256)
        {
            failures.Add($"phase 1: this file's sha256 {ptauSha} is not the transcript's {transcript.Phase1.Sha256}");
        }
        if (transcript.Beacon is null || transcript.Keys is null)
        {
            failures.Add("the ceremony is not finalized: no beacon, no keys");
            return new Report(passed, failures, CeremonyRules.InsecureBecause(transcript, publisher, pinnedPhase1));
        }
        if (failures.Count == 0)
        {
            passed.Add($"circuit {transcript.Circuit}: r1cs sha256 {r1csSha}; phase 1 sha256 {ptauSha} ({transcript.Phase1.Source})");
        }
        var final = Path.Combine(directory, transcript.Keys.Zkey);
        if (!File.Exists(final) || Sha256Of(final) != transcript.Keys.ZkeySha256 || transcript.Beacon.ZkeySha256 != transcript.Keys.ZkeySha256)
        {
            failures.Add($"final key: {transcript.Keys.Zkey} is missing or not the one the transcript records ({transcript.Keys.ZkeySha256})");
            return new Report(passed, failures, CeremonyRules.InsecureBecause(transcript, publisher, pinnedPhase1));
        }
        var verified = await snarkjs.RunAsync(["zkey", "verify", r1cs, ptau, final], cancellationToken).ConfigureAwait(false);
        if (verified.ExitCode != 0 || !verified.Output.Contains("ZKey Ok!", StringComparison.Ordinal))
        {
            failures.Add($"snarkjs zkey verify refuses the final key against the r1cs and phase 1: {LastLines(verified.Output)}");
            return new Report(passed, failures, CeremonyRules.InsecureBecause(transcript, publisher, pinnedPhase1));
        }
        passed.Add($"snarkjs zkey verify: the final key {transcript.Keys.ZkeySha256} follows from the r1cs and phase 1 by its recorded contributions");
        // snarkjs lists the key's contributions last first: "contribution #N NAME:" and the hash.
        var inKey = SnarkjsCli.Hashes(verified.Output).Where(h => h.Label.Contains("contribution #", StringComparison.Ordinal)).Reverse().ToList();
        var expected = transcript.Contributions.Select((c, i) => (Label: $"contribution #{i + 1} {c.Name}:", Hash: c.ContributionHash))
            .Append((Label: $"contribution #{transcript.Contributions.Count + 1} beacon: {transcript.Beacon.Source}:", Hash: transcript.Beacon.ContributionHash)).ToList();
        if (inKey.Count != expected.Count || inKey.Zip(expected).Any(p => !p.First.Label.EndsWith(p.Second.Label, StringComparison.Ordinal) || p.First.Hash != p.Second.Hash))
        {
            failures.Add($"contributions: the final key holds {inKey.Count} ({string.Join(", ", inKey.Select(h => h.Label))}), not the transcript's {expected.Count} with their hashes");
        }
        else if (!verified.Output.Contains($"Beacon generator: {transcript.Beacon.Hex}", StringComparison.Ordinal)
            || !verified.Output.Contains($"Beacon iterations Exp: {BeaconIterationsExp}", StringComparison.Ordinal))
        {
            failures.Add($"beacon: the final key's last contribution is not the beacon {transcript.Beacon.Hex} with 2^{BeaconIterationsExp} iterations");
        }
        else
        {
            passed.Add($"contributions: the final key holds exactly the transcript's {transcript.Contributions.Count}, then the beacon {transcript.Beacon.Hex} ({transcript.Beacon.Source}, 2^{BeaconIterationsExp} iterations)");
        }
        for (var i = 0; i < transcript.Contributions.Count; i++)
        {
            var c = transcript.Contributions[i];
            var chained = c.PreviousSha256 == (i == 0 ? transcript.InitialZkeySha256 : transcript.Contributions[i - 1].ZkeySha256);
            if (!chained || !c.IsSignedBySigner(transcript, i + 1))
            {
                failures.Add($"contribution {i + 1} ({c.Name}): {(chained ? $"the signature is not {c.Signer}'s over its statement" : "it does not start from the zkey before it")}");
            }
            else
            {
                passed.Add($"contribution {i + 1}: \"{c.Name}\", signed by {c.Signer}");
            }
        }
        await CheckExportAsync(final, Path.Combine(directory, transcript.Keys.VerificationKey), "verificationkey", passed, failures, cancellationToken).ConfigureAwait(false);
        await CheckExportAsync(final, Path.Combine(directory, transcript.Keys.Verifier), "solidityverifier", passed, failures, cancellationToken).ConfigureAwait(false);
        if (File.Exists(Path.Combine(directory, transcript.Keys.VerificationKey)) && Sha256Of(Path.Combine(directory, transcript.Keys.VerificationKey)) != transcript.Keys.VerificationKeySha256)
        {
            failures.Add($"verification key: not the transcript's {transcript.Keys.VerificationKeySha256}");
        }
        return new Report(passed, failures, CeremonyRules.InsecureBecause(transcript, publisher, pinnedPhase1));
    }

    private async Task CheckExportAsync(string final, string published, string what, List<string> passed, List<string> failures, CancellationToken cancellationToken)
    {
        var again = Path.Combine(Path.GetTempPath(), $"aggregator-ceremony-{Guid.NewGuid():N}-{Path.GetFileName(published)}");
        try
        {
            await ExportAsync(final, again, what, cancellationToken).ConfigureAwait(false);
            if (File.Exists(published) && File.ReadAllBytes(published).AsSpan().SequenceEqual(File.ReadAllBytes(again)))
            {
                passed.Add($"{Path.GetFileName(published)}: exported from the final key (sha256 {Sha256Of(published)})");
            }
            else
            {
                failures.Add($"{Path.GetFileName(published)}: missing, or not what the final key exports");
            }
        }
        finally
        {
            File.Delete(again);
        }
    }

    private async Task ExportAsync(string zkey, string target, string what, CancellationToken cancellationToken)
    {
        var temporary = target + ".tmp";
        var result = await snarkjs.RunAsync(["zkey", "export", what, zkey, temporary], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 || !File.Exists(temporary))
        {
            File.Delete(temporary);
            throw new InvalidOperationException($"snarkjs zkey export {what} failed: {LastLines(result.Output)}");
        }
        if (what == "solidityverifier")
        {
            // snarkjs names every verifier Groth16Verifier; contracts/generated gives each its own name.
            var name = VerifierName(Path.GetFileNameWithoutExtension(zkey));
            await File.WriteAllTextAsync(temporary, (await File.ReadAllTextAsync(temporary, cancellationToken).ConfigureAwait(false)).Replace("contract Groth16Verifier", $"contract {name}", StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
        }
        File.Move(temporary, target, overwrite: true);
    }

    // Runs a snarkjs step whose last argument is its output zkey: written to a temporary name, renamed on success.
    private async Task<string> RunToFileAsync(IReadOnlyList<string> arguments, string target, string step, CancellationToken cancellationToken)
    {
        var temporary = target + ".tmp";
        // snarkjs takes the output file after the input(s): insert it after the positional inputs.
        List<string> withOutput = step switch
        {
            "zkey new" => [.. arguments, temporary],
            "zkey contribute" => [arguments[0], arguments[1], arguments[2], temporary, .. arguments.Skip(3)],
            "zkey beacon" => [arguments[0], arguments[1], arguments[2], temporary, .. arguments.Skip(3)],
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
        var result = await snarkjs.RunAsync(withOutput, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 || !File.Exists(temporary) || new FileInfo(temporary).Length == 0)
        {
            File.Delete(temporary);
            throw new InvalidOperationException($"snarkjs {step} failed: {LastLines(result.Output)}");
        }
        File.Move(temporary, target, overwrite: true);
        return result.Output;
    }

    // The zkey the next step starts from, refused unless it is the one the transcript last recorded.
    private static string LatestZkey(string directory, CeremonyTranscript transcript)
    {
        var path = Path.Combine(directory, transcript.Contributions.Count == 0 ? $"{transcript.Circuit}_0000.zkey" : transcript.Contributions[^1].Zkey);
        if (!File.Exists(path) || Sha256Of(path) != transcript.LatestZkeySha256)
        {
            throw new InputException($"the latest zkey is missing or not the one the transcript records ({transcript.LatestZkeySha256})", file: path);
        }
        return path;
    }

    // snarkjs keeps 64 bytes of a name; a line break would forge a line of the signed statement.
    private static void CheckName(string name, string field = "--name")
    {
        if (string.IsNullOrWhiteSpace(name) || System.Text.Encoding.UTF8.GetByteCount(name) > 64 || name.Any(char.IsControl))
        {
            throw new InputException("a name is 1 to 64 bytes on one line", field: field);
        }
    }

    private static string LastLines(string output) => string.Join(" / ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
