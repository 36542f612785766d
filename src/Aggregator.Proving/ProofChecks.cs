using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;

namespace Aggregator.Proving;

/// <summary>
/// What `aggregator verify` checks, step by step (docs/proofs.md, "Verifying"): the documents agree with
/// the published commitment, field by field, and the Groth16 proof verifies natively against a pinned
/// verification key with public signals built from the published values, never taken from the file.
/// </summary>
public static class ProofChecks
{
    /// <summary>The outcome: each check passed, in order, then the first failure if any.</summary>
    public sealed record Report(IReadOnlyList<string> Passed, string? Failure)
    {
        public bool IsValid => Failure is null;
    }

    /// <summary>
    /// An epoch's published values, the trusted side of an inclusion check: from a manifest (which names
    /// every parameter) or from the registry (which stores the commitment and paramsHash).
    /// </summary>
    public sealed record Published(string Source, ulong Epoch, PublisherAddress Publisher, Fr Commitment, Fr ParamsHash, EpochManifest? Manifest)
    {
        /// <summary>The values of a manifest, read from exactly <paramref name="manifestPath"/> and checked to recompute.</summary>
        public static Published FromManifest(string manifestPath)
        {
            var manifest = EpochDirectory.ReadManifestFile(manifestPath);
            var binding = manifest.Binding();
            return new Published($"the manifest {manifestPath}", manifest.Epoch, binding.Publisher, binding.Value, binding.ParamsHash, manifest);
        }

        /// <summary>
        /// What a VALID against a manifest leaves open, printed after it: a manifest is a file anyone can
        /// write; it says what the commitment is, not that it was published.
        /// </summary>
        public string NotAPublication => $"publication not checked: the proof matches this manifest; only the registry (--rpc, --registry, --publisher, --epoch) shows that epoch {Epoch} was published";
    }

    /// <summary>
    /// Checks DIR/solvency-proof.json: the manifest's commitment recomputes from its root, parameters,
    /// epoch and publisher; the file names the same values; the proof verifies for them and the reserves.
    /// </summary>
    /// <exception cref="InputException">Missing or malformed files, or a key that is not the pinned one.</exception>
    public static Report Solvency(string epochDirectory, VerificationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var manifest = EpochDirectory.ReadManifest(epochDirectory);
        var binding = manifest.Binding();
        var proofPath = Path.Combine(epochDirectory, EpochProofs.SolvencyProofFile);
        var document = ReadDocument(proofPath, EpochProofs.SolvencyFormat, "a solvency proof");
        var passed = new List<string>();
        if (manifest.Reserves is null)
        {
            return new Report(passed, "the manifest records no reserves: the solvency proof was never completed");
        }
        passed.Add($"the manifest's commitment {manifest.Commitment} is Poseidon(rootHash, paramsHash, epoch {manifest.Epoch}, publisher {manifest.Publisher})");
        var mismatch = FirstDifference(
            ("epoch", Text(document, "epoch", proofPath), manifest.Epoch.ToString(CultureInfo.InvariantCulture)),
            ("publisher", Text(document, "publisher", proofPath), manifest.Publisher),
            ("rootHash", Text(document, "rootHash", proofPath), manifest.RootHash),
            ("paramsHash", Text(document, "paramsHash", proofPath), manifest.ParamsHash),
            ("commitment", Text(document, "commitment", proofPath), manifest.Commitment));
        if (mismatch != null)
        {
            return new Report(passed, mismatch);
        }
        string[] expected =
        [
            .. BindingSignals(binding.Value, binding.ParamsHash, binding.Epoch, binding.Publisher),
            .. manifest.Reserves.Select(r => r.ProofUnits),
            .. manifest.Reserves.Select(r => r.CoverageBasisPoints.ToString(CultureInfo.InvariantCulture)),
        ];
        var circuit = EpochProofs.SolvencyCircuitName(manifest.Assets.Count);
        return Groth16(document, expected, keys.Load(circuit), proofPath, passed,
            $"reserves {string.Join(", ", manifest.Reserves.Select(r => $"{r.Amount} {r.Symbol} (at least {EpochProofs.CoveragePercent(r.CoverageBasisPoints)} of its liabilities)"))}");
    }

    /// <summary>
    /// Checks an account's inclusion file against the published values: leafHash recomputed from its id,
    /// salt and balances; every parameter in the file equal to the published one (the first that differs
    /// is named); the proof verifying for [leafHash, commitment, paramsHash, epoch, publisher] with the
    /// published commitment.
    /// </summary>
    /// <exception cref="InputException">Missing or malformed files, or a key that is not the pinned one.</exception>
    public static Report Inclusion(string proofPath, Published published, VerificationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(keys);
        var document = ReadDocument(proofPath, EpochProofs.InclusionFormat, "an inclusion proof");
        var passed = new List<string>();
        var account = Text(document, "account", proofPath);
        if (!Fr.TryParse(Text(document, "salt", proofPath), out var salt))
        {
            throw new InputException("the salt is not a field element", file: proofPath, field: "salt");
        }
        var balances = Array(document, "balances", proofPath)
            .Select(b => ulong.TryParse(Value(b, "balances", proofPath), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new InputException("a balance is not a 64-bit unsigned decimal", file: proofPath, field: "balances"))
            .ToArray();
        var parameters = FileParameters(document, proofPath);
        if (balances.Length != parameters.AssetCount)
        {
            throw new InputException($"{balances.Length} balances for {parameters.AssetCount} assets", file: proofPath, field: "balances");
        }
        var leafHash = AccountIdentity.LeafHash(AccountIdentity.IdHash(AccountIdentity.AccountField(account), salt), balances);
        if (leafHash.ToString() != Text(document, "leafHash", proofPath))
        {
            return new Report(passed, $"the leafHash in the file is not Poseidon(idHash, balances) of account '{account}' with this salt ({leafHash})");
        }
        passed.Add($"leafHash {leafHash} recomputed from account '{account}', its salt and balances [{string.Join(", ", balances)}]");

        if (PublishedMismatch(document, parameters, published, proofPath, statesRoot: true) is { } mismatch)
        {
            return new Report(passed, mismatch);
        }
        passed.Add(PublishedLine(parameters, published));

        var circuit = EpochProofs.InclusionCircuitName(parameters.Depth, parameters.AssetCount);
        string[] expected = [leafHash.ToString(), .. BindingSignals(published.Commitment, published.ParamsHash, published.Epoch, published.Publisher)];
        return Groth16(document, expected, keys.Load(circuit), proofPath, passed, $"account '{account}'");
    }

    /// <summary>
    /// Checks a collateral attestation against the published values: every parameter the file states
    /// equal to the published one, the terms read plainly (prices below 2^64, weights at most 10000), and
    /// the proof verifying for [commitment, paramsHash, epoch, publisher, prices, weights, threshold,
    /// subject, scope, nullifier] with the published commitment and paramsHash.
    /// </summary>
    /// <exception cref="InputException">Missing or malformed files, or a key that is not the pinned one.</exception>
    public static Report Attestation(string proofPath, Published published, VerificationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(keys);
        var document = ReadDocument(proofPath, CollateralAttestations.Format, "a collateral attestation");
        var passed = new List<string>();
        var parameters = FileParameters(document, proofPath);
        if (PublishedMismatch(document, parameters, published, proofPath, statesRoot: false) is { } mismatch)
        {
            return new Report(passed, mismatch);
        }
        passed.Add(PublishedLine(parameters, published));

        var prices = Array(document, "prices", proofPath).Select(p => Integer(Value(p, "prices", proofPath), ulong.MaxValue, "prices", proofPath)).ToArray();
        var weights = Array(document, "weights", proofPath).Select(w => Integer(Value(w, "weights", proofPath), CollateralTerms.FullWeight, "weights", proofPath)).ToArray();
        if (prices.Length != parameters.AssetCount || weights.Length != parameters.AssetCount)
        {
            throw new InputException($"{prices.Length} prices and {weights.Length} weights for {parameters.AssetCount} assets", file: proofPath, field: "prices");
        }
        var threshold = Integer(Text(document, "threshold", proofPath), ulong.MaxValue, "threshold", proofPath);
        Fr Element(string name) => Fr.TryParse(Text(document, name, proofPath), out var value)
            ? value : throw new InputException($"the {name} is not a field element in decimal", file: proofPath, field: name);
        var (subject, scope, nullifier) = (Element("subject"), Element("scope"), Element("nullifier"));
        var circuit = CollateralAttestations.CircuitName(parameters.Depth, parameters.AssetCount);
        string[] expected =
        [
            .. BindingSignals(published.Commitment, published.ParamsHash, published.Epoch, published.Publisher),
            .. prices.Select(p => p.ToString(CultureInfo.InvariantCulture)),
            .. weights.Select(w => w.ToString(CultureInfo.InvariantCulture)),
            threshold.ToString(CultureInfo.InvariantCulture), subject.ToString(), scope.ToString(), nullifier.ToString(),
        ];
        var valued = string.Join(", ", parameters.Assets.Select((a, k) =>
            $"{a.Id} at {new Amount(prices[k], CollateralTerms.ValueDecimals)} with a haircut of {new Amount(CollateralTerms.FullWeight - weights[k], 4)}"));
        return Groth16(document, expected, keys.Load(circuit), proofPath, passed,
            $"an account of this epoch holding collateral worth at least {new Amount(threshold, CollateralTerms.ValueDecimals)} ({valued}), for subject {SubjectText(subject)}, scope {scope}, nullifier {nullifier}");
    }

    /// <summary>A subject as an EVM address when it fits in 160 bits, else the field element.</summary>
    public static string SubjectText(Fr subject)
    {
        var value = BigInteger.Parse(subject.ToString(), CultureInfo.InvariantCulture);
        return value < BigInteger.One << 160 ? "0x" + value.ToString("x40", CultureInfo.InvariantCulture)[^40..] : subject.ToString();
    }

    // A decimal integer in [0, max], as the circuit's range checks bound it.
    private static BigInteger Integer(string text, BigInteger max, string name, string path) =>
        text.Length > 0 && text.All(char.IsAsciiDigit) && BigInteger.Parse(text, CultureInfo.InvariantCulture) is var value && value <= max
            ? value
            : throw new InputException($"'{text}' is not an integer from 0 to {max}", file: path, field: name);

    // Every parameter the file states, against the published one: a relabelled column, other decimals,
    // another epoch or publisher must fail here by name, not only in the pairing.
    private static string? PublishedMismatch(JsonObject document, CommitmentParameters parameters, Published published, string proofPath, bool statesRoot)
    {
        var manifest = published.Manifest;
        var differences = new List<(string, string, string)>
        {
            ("epoch", Text(document, "epoch", proofPath), published.Epoch.ToString(CultureInfo.InvariantCulture)),
            ("publisher", Text(document, "publisher", proofPath).ToLowerInvariant(), published.Publisher.Hex),
        };
        if (manifest != null)
        {
            differences.Add(("depth", parameters.Depth.ToString(CultureInfo.InvariantCulture), manifest.Depth.ToString(CultureInfo.InvariantCulture)));
            differences.Add(("number of assets", parameters.AssetCount.ToString(CultureInfo.InvariantCulture), manifest.Assets.Count.ToString(CultureInfo.InvariantCulture)));
            for (var k = 0; k < Math.Min(parameters.AssetCount, manifest.Assets.Count); k++)
            {
                differences.Add(($"asset {k + 1}'s symbol", parameters.Assets[k].Id.Symbol, manifest.Assets[k].Symbol));
                differences.Add(($"asset {k + 1} ({manifest.Assets[k].Symbol})'s proof decimals", parameters.Assets[k].ProofDecimals.ToString(CultureInfo.InvariantCulture), manifest.Assets[k].ProofDecimals.ToString(CultureInfo.InvariantCulture)));
            }
            if (statesRoot)
            {
                differences.Add(("rootHash", Text(document, "rootHash", proofPath), manifest.RootHash));
            }
        }
        differences.Add(("paramsHash", Text(document, "paramsHash", proofPath), published.ParamsHash.ToString()));
        differences.Add(("paramsHash (of the file's depth and assets)", parameters.Hash().ToString(), published.ParamsHash.ToString()));
        differences.Add(("commitment", Text(document, "commitment", proofPath), published.Commitment.ToString()));
        return FirstDifference([.. differences]) is { } mismatch ? $"{mismatch} ({published.Source})" : null;
    }

    private static string PublishedLine(CommitmentParameters parameters, Published published) =>
        $"epoch {published.Epoch}, publisher {published.Publisher}, depth {parameters.Depth}, assets {string.Join(",", parameters.Assets.Select(a => $"{a.Id}:{a.ProofDecimals}"))} and commitment {published.Commitment} are {published.Source}'s";

    private static string[] BindingSignals(Fr commitment, Fr paramsHash, ulong epoch, PublisherAddress publisher) =>
        [commitment.ToString(), paramsHash.ToString(), epoch.ToString(CultureInfo.InvariantCulture), publisher.ToField().ToString()];

    private static string? FirstDifference(params (string Name, string Actual, string Expected)[] fields) =>
        fields.FirstOrDefault(f => f.Actual != f.Expected) is { Name: not null } first
            ? $"the {first.Name} in the file is {first.Actual}, the published one is {first.Expected}"
            : null;

    // The signals verified are the published ones; the file's own must equal them, so that a file naming
    // other signals is reported plainly rather than as a failed pairing.
    private static Report Groth16(JsonObject document, string[] expected, VerificationKey key, string proofPath, List<string> passed, string statement)
    {
        var signals = Array(document, "publicSignals", proofPath).Select(s => Value(s, "publicSignals", proofPath)).ToArray();
        if (!signals.SequenceEqual(expected))
        {
            return new Report(passed, $"the file's public signals [{string.Join(", ", signals)}] are not the published [{string.Join(", ", expected)}]");
        }
        if (Text(document, "circuit", proofPath) != key.Circuit)
        {
            return new Report(passed, $"the file names circuit '{Text(document, "circuit", proofPath)}', the published parameters make it {key.Circuit}");
        }
        var proof = document["proof"]?.ToJsonString() ?? throw new InputException("\"proof\" is missing", file: proofPath, field: "proof");
        var result = SnarkjsJson.Verify(key.Verifier, proof, expected);
        if (!result.IsValid)
        {
            return new Report(passed, result.Reason);
        }
        passed.Add($"Groth16 proof of {statement} verifies against {key.Describe()}");
        return new Report(passed, null);
    }

    // The file's depth and assets, as stated (compared with the published ones, and hashed into paramsHash).
    private static CommitmentParameters FileParameters(JsonObject document, string path)
    {
        try
        {
            var depth = document["depth"]?.GetValue<int>() ?? throw new InputException("\"depth\" is missing", file: path, field: "depth");
            var assets = Array(document, "assets", path).Select(a => new CommitmentAsset(
                new Core.Assets.AssetId(a?["symbol"]?.GetValue<string>() ?? throw new InputException("an asset has no symbol", file: path, field: "assets")),
                a["proofDecimals"]?.GetValue<int>() ?? throw new InputException("an asset has no proofDecimals", file: path, field: "assets"))).ToArray();
            return new CommitmentParameters(depth, assets);
        }
        catch (Exception error) when (error is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InputException($"the depth or assets are malformed: {error.Message}", file: path, field: "assets");
        }
    }

    // The file as a JSON object of the format expected.
    private static JsonObject ReadDocument(string path, string format, string what)
    {
        var document = ReadObject(path);
        return Text(document, "format", path) == format ? document : throw new InputException($"not {what} of format {format}", file: path);
    }

    internal static JsonObject ReadObject(string path)
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

    private static string Text(JsonObject document, string name, string path) =>
        Value(document[name] ?? throw new InputException($"\"{name}\" is missing", file: path, field: name), name, path);

    private static string Value(JsonNode? node, string name, string path)
    {
        try
        {
            return node?.GetValue<string>() ?? throw new InputException($"\"{name}\" has a null value", file: path, field: name);
        }
        catch (InvalidOperationException)
        {
            throw new InputException($"\"{name}\" must be a string", file: path, field: name);
        }
    }

    private static JsonArray Array(JsonObject document, string name, string path) =>
        document[name] as JsonArray ?? throw new InputException($"\"{name}\" is missing or not an array", file: path, field: name);
}
