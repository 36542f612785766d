using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;

namespace Aggregator.Proving;

/// <summary>
/// What `aggregator verify` checks, step by step (docs/proofs.md, "Verifying"): the documents agree with
/// each other, and the Groth16 proof verifies natively against the circuit's verification key.
/// </summary>
public static class ProofChecks
{
    /// <summary>The outcome: each check passed, in order, then the first failure if any.</summary>
    public sealed record Report(IReadOnlyList<string> Passed, string? Failure)
    {
        public bool IsValid => Failure is null;
    }

    /// <summary>Checks DIR/solvency-proof.json against DIR/manifest.json and the verification key.</summary>
    /// <exception cref="InputException">Missing or malformed files.</exception>
    public static Report Solvency(string epochDirectory, string verificationKeyPath)
    {
        var manifest = EpochDirectory.ReadManifest(epochDirectory);
        var proofPath = Path.Combine(epochDirectory, EpochProofs.SolvencyProofFile);
        var document = ReadObject(proofPath);
        var passed = new List<string>();
        if (Text(document, "format", proofPath) != EpochProofs.SolvencyFormat)
        {
            throw new InputException($"not a solvency proof of format {EpochProofs.SolvencyFormat}", file: proofPath);
        }
        if (manifest.Reserves is null)
        {
            return new Report(passed, "the manifest records no reserves: the solvency proof was never completed");
        }
        var signals = Signals(document, proofPath);
        string[] expected = [manifest.RootHash, .. manifest.Reserves.Select(r => r.ProofUnits)];
        if (!signals.SequenceEqual(expected))
        {
            return new Report(passed, $"the proof's public signals [{string.Join(", ", signals)}] are not the manifest's root hash and reserves [{string.Join(", ", expected)}]");
        }
        passed.Add($"public signals are the manifest's root hash {manifest.RootHash} and reserves {string.Join(", ", manifest.Reserves.Select(r => $"{r.Amount} {r.Symbol}"))}");
        return Groth16(document, signals, verificationKeyPath, proofPath, passed);
    }

    /// <summary>
    /// Checks an account's inclusion file: leafHash recomputed from its id, salt and balances; public
    /// signals [leafHash, rootHash]; the proof; and, when given, that rootHash is the published one.
    /// </summary>
    public static Report Inclusion(string proofPath, string verificationKeyPath, string? publishedRootHash)
    {
        var document = ReadObject(proofPath);
        var passed = new List<string>();
        if (Text(document, "format", proofPath) != EpochProofs.InclusionFormat)
        {
            throw new InputException($"not an inclusion proof of format {EpochProofs.InclusionFormat}", file: proofPath);
        }
        var account = Text(document, "account", proofPath);
        if (!Fr.TryParse(Text(document, "salt", proofPath), out var salt))
        {
            throw new InputException("the salt is not a field element", file: proofPath, field: "salt");
        }
        var balances = document["balances"] is JsonArray array
            ? array.Select(b => ulong.TryParse(b?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new InputException("a balance is not a 64-bit unsigned decimal", file: proofPath, field: "balances")).ToArray()
            : throw new InputException("\"balances\" is missing", file: proofPath, field: "balances");
        var rootHash = Text(document, "rootHash", proofPath);
        var leafHash = AccountIdentity.LeafHash(AccountIdentity.IdHash(AccountIdentity.AccountField(account), salt), balances);
        if (leafHash.ToString() != Text(document, "leafHash", proofPath))
        {
            return new Report(passed, $"the leafHash in the file is not Poseidon(idHash, balances) of account '{account}' with this salt ({leafHash})");
        }
        passed.Add($"leafHash {leafHash} recomputed from account '{account}', its salt and balances [{string.Join(", ", balances)}]");
        if (publishedRootHash != null)
        {
            if (publishedRootHash != rootHash)
            {
                return new Report(passed, $"the proof's root {rootHash} is not the published root {publishedRootHash}");
            }
            passed.Add($"rootHash {rootHash} is the published root");
        }
        var signals = Signals(document, proofPath);
        if (!signals.SequenceEqual([leafHash.ToString(), rootHash]))
        {
            return new Report(passed, "the proof's public signals are not [leafHash, rootHash] of this file");
        }
        passed.Add("public signals are [leafHash, rootHash]");
        return Groth16(document, signals, verificationKeyPath, proofPath, passed);
    }

    /// <summary>The verification key shipped in circuits/keys for the circuit a proof names.</summary>
    public static string DefaultVerificationKey(string proofPath)
    {
        var circuit = Text(ReadObject(proofPath), "circuit", proofPath);
        return Path.Combine(SnarkjsProver.LocateCircuits(), "keys", $"{circuit}.vkey.json");
    }

    private static Report Groth16(JsonObject document, string[] signals, string verificationKeyPath, string proofPath, List<string> passed)
    {
        if (!File.Exists(verificationKeyPath))
        {
            throw new InputException("the verification key does not exist", file: verificationKeyPath);
        }
        Groth16Verifier verifier;
        try
        {
            verifier = Groth16Verifier.FromVerificationKey(File.ReadAllText(verificationKeyPath));
        }
        catch (ProofFormatException error)
        {
            throw new InputException(error.Message, file: verificationKeyPath);
        }
        var proof = document["proof"]?.ToJsonString() ?? throw new InputException("\"proof\" is missing", file: proofPath, field: "proof");
        var result = verifier.Verify(proof, signals);
        if (!result.IsValid)
        {
            return new Report(passed, result.Reason);
        }
        passed.Add($"Groth16 proof verifies against {Path.GetFileName(verificationKeyPath)}");
        return new Report(passed, null);
    }

    private static JsonObject ReadObject(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the file does not exist", file: path);
        }
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InputException("expected a JSON object", file: path);
        }
        catch (JsonException error)
        {
            throw new InputException($"malformed JSON: {error.Message}", file: path, line: error.LineNumber + 1);
        }
    }

    private static string Text(JsonObject document, string name, string path)
    {
        try
        {
            return document[name]?.GetValue<string>() ?? throw new InputException($"\"{name}\" is missing", file: path, field: name);
        }
        catch (InvalidOperationException)
        {
            throw new InputException($"\"{name}\" is not a string", file: path, field: name);
        }
    }

    private static string[] Signals(JsonObject document, string path)
    {
        try
        {
            return document["publicSignals"] is JsonArray signals
                ? signals.Select(s => s!.GetValue<string>()).ToArray()
                : throw new InputException("\"publicSignals\" is missing", file: path, field: "publicSignals");
        }
        catch (Exception error) when (error is InvalidOperationException or NullReferenceException)
        {
            throw new InputException("\"publicSignals\" must be decimal strings", file: path, field: "publicSignals");
        }
    }
}
