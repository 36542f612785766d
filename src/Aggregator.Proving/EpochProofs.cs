using System.Globalization;
using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Core.Files;

namespace Aggregator.Proving;

/// <summary>
/// Proves an epoch's statements (docs/proofs.md): solvency against reserves, written into the epoch
/// directory, and one account's inclusion, written as the file handed to that account.
/// </summary>
public sealed class EpochProofs(IProver prover)
{
    public const string SolvencyProofFile = "solvency-proof.json";

    /// <summary>The reserves evidence an epoch carries (per chain the block read, per address its balances and signature), which a verifier re-reads on chain.</summary>
    public const string ReservesEvidenceFile = "reserves.json";
    public const string SolvencyFormat = "aggregator-solvency-proof/3";

    /// <summary>Full coverage in basis points: reserves at least the liabilities.</summary>
    public const uint FullCoverage = 10_000;
    public const string InclusionFormat = "aggregator-inclusion-proof/2";

    /// <summary>The outcome of a solvency attempt: a proof, or the assets whose liabilities exceed reserves.</summary>
    /// <param name="Ignored">Symbols of the reserves file that the epoch does not commit to (not used).</param>
    public sealed record SolvencyResult(bool Solvent, IReadOnlyList<string> Shortfalls, string? ProofPath, IReadOnlyList<string> Ignored);

    /// <summary>An account's inclusion file name, safe on every system: the id's plain characters, then a hash so distinct ids never collide.</summary>
    public static string InclusionFileName(string accountId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        var plain = new string(accountId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' ? c : '_').Take(64).ToArray());
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(accountId)))[..12];
        return $"{plain}-{hash}.json";
    }

    public static string InclusionCircuitName(int depth, int assets) =>
        string.Create(CultureInfo.InvariantCulture, $"inclusion_{depth}_{assets}");

    public static string SolvencyCircuitName(int assets) => string.Create(CultureInfo.InvariantCulture, $"solvency_{assets}");

    /// <summary>
    /// Proves that the epoch's liabilities are covered, asset by asset, at least <paramref name="coverage"/>
    /// basis points (in the layout's asset order; full coverage when null) by the reserves in
    /// <paramref name="reservesPath"/>; writes DIR/solvency-proof.json and records the reserves and ratios
    /// in the manifest. An asset not covered that far is not an error but a failed check: no proof is written.
    /// </summary>
    /// <exception cref="InputException">A ratio below 10000 or above 2^32 − 1, or not one per asset.</exception>
    public async Task<SolvencyResult> ProveSolvencyAsync(string epochDirectory, string reservesPath, IReadOnlyList<uint>? coverage = null, CancellationToken cancellationToken = default)
    {
        var manifest = EpochDirectory.ReadManifest(epochDirectory);
        var tree = EpochDirectory.ReadTree(epochDirectory);
        var binding = manifest.Binding();
        var (reserves, ignored) = ReservesFile.Read(reservesPath, tree.Parameters.Assets);
        var ratios = coverage ?? [.. Enumerable.Repeat(FullCoverage, tree.AssetCount)];
        if (ratios.Count != tree.AssetCount || ratios.Any(r => r < FullCoverage))
        {
            throw new InputException($"coverage ratios [{string.Join(", ", ratios)}]: one per asset ({tree.AssetCount}), each at least {FullCoverage} basis points", field: "coverage");
        }
        var shortfalls = new List<string>();
        for (var k = 0; k < tree.AssetCount; k++)
        {
            // The circuit's check, 10000 · R >= ratio · L, in integers.
            if ((System.Numerics.BigInteger)ratios[k] * tree.RootSums[k] > (System.Numerics.BigInteger)FullCoverage * reserves[k].ProofUnits)
            {
                var asset = tree.Parameters.Assets[k];
                var liabilities = new Amount(tree.RootSums[k], asset.ProofDecimals);
                shortfalls.Add(ratios[k] == FullCoverage
                    ? $"{asset.Id}: liabilities {liabilities} exceed reserves {new Amount(reserves[k].ProofUnits, asset.ProofDecimals)}"
                    : $"{asset.Id}: reserves {new Amount(reserves[k].ProofUnits, asset.ProofDecimals)} are below {CoveragePercent(ratios[k])} of liabilities {liabilities}");
            }
        }
        if (shortfalls.Count > 0)
        {
            return new SolvencyResult(false, shortfalls, null, ignored);
        }

        var circuit = SolvencyCircuitName(tree.AssetCount);
        var proof = await prover.ProveAsync(circuit, CircuitInputs.Solvency(tree, reserves.Select(r => r.ProofUnits).ToArray(), ratios, binding), cancellationToken).ConfigureAwait(false);
        var document = new JsonObject
        {
            ["format"] = SolvencyFormat,
            ["circuit"] = circuit,
            ["epoch"] = manifest.Epoch.ToString(CultureInfo.InvariantCulture),
            ["publisher"] = manifest.Publisher,
            ["rootHash"] = manifest.RootHash,
            ["paramsHash"] = manifest.ParamsHash,
            ["commitment"] = manifest.Commitment,
            ["reserves"] = new JsonArray([.. reserves.Select((r, k) => new JsonObject
            {
                ["symbol"] = r.Symbol, ["proofUnits"] = r.ProofUnits.ToString(CultureInfo.InvariantCulture), ["coverageBasisPoints"] = ratios[k],
            })]),
            ["proof"] = proof.Proof,
            ["publicSignals"] = new JsonArray([.. proof.PublicSignals.Select(s => JsonValue.Create(s))]),
        };
        var path = Path.Combine(epochDirectory, SolvencyProofFile);
        // Evidence (a report of `aggregator reserves`, with its chains) travels with the epoch, so a verifier
        // can read those balances again on chain; a bare list of totals has nothing to re-read.
        var evidence = Path.Combine(epochDirectory, ReservesEvidenceFile);
        var text = await File.ReadAllTextAsync(reservesPath, cancellationToken).ConfigureAwait(false);
        var report = JsonNode.Parse(text) as JsonObject;
        if (Path.GetFullPath(reservesPath) != Path.GetFullPath(evidence) && report?["chains"] is JsonArray)
        {
            SafeFile.WriteAtomically(evidence, text);
        }
        EpochDirectory.WriteDocument(path, document);
        EpochDirectory.UpdateManifest(epochDirectory, manifest with
        {
            ReservesByEvidence = ByEvidence(report?["byEvidence"] as JsonObject),
            Reserves = reserves.Select((r, k) => new EpochManifest.ReserveEntry(r.Symbol, r.Amount.ToString(), r.ProofUnits.ToString(CultureInfo.InvariantCulture), ratios[k])).ToArray(),
        });
        return new SolvencyResult(true, [], path, ignored);
    }

    // An evidence report's totals per tag (tag -> symbol -> whole units), or null when it has none.
    private static SortedDictionary<string, SortedDictionary<string, string>>? ByEvidence(JsonObject? byEvidence) =>
        byEvidence is null ? null : new(byEvidence.ToDictionary(
            tag => tag.Key,
            tag => new SortedDictionary<string, string>((tag.Value as JsonObject ?? []).ToDictionary(a => a.Key, a => a.Value is JsonValue value && value.TryGetValue<string>(out var amount)
                ? amount
                : throw new InputException($"byEvidence.{tag.Key}.{a.Key} is not an amount in whole units (a string)", field: "byEvidence")), StringComparer.Ordinal)),
            StringComparer.Ordinal);

    /// <summary>A ratio in basis points as a percentage: 10500 is "105%", 10250 "102.5%".</summary>
    public static string CoveragePercent(uint basisPoints) =>
        string.Create(CultureInfo.InvariantCulture, $"{basisPoints / 100m:0.##}%");

    /// <summary>
    /// Proves that <paramref name="accountId"/> is counted in the epoch's tree with its balances, and writes
    /// the file handed to that account: its id, salt, balances and leafHash, the epoch's published
    /// parameters (epoch, publisher, depth, assets, rootHash, paramsHash, commitment), the proof and public
    /// signals; nothing about any other account.
    /// </summary>
    public async Task<string> ProveInclusionAsync(string epochDirectory, string accountId, string outputPath, CancellationToken cancellationToken = default)
    {
        var manifest = EpochDirectory.ReadManifest(epochDirectory);
        if (prover is NativeProver native)
        {
            // The key and the witness layout load while the tree is read. A fault here is the proof's own
            // (the circuit's load is kept and rethrown when the proof asks for it), or concerns a circuit
            // the manifest names but the tree does not: either way it is not reported from here.
            _ = Task.Run(() =>
            {
                try
                {
                    native.Load(InclusionCircuitName(manifest.Depth, manifest.Assets.Count));
                }
                catch (Exception)
                {
                }
            }, cancellationToken);
        }
        var tree = EpochDirectory.ReadTree(epochDirectory);
        var document = await InclusionDocumentAsync(manifest, tree, accountId, cancellationToken).ConfigureAwait(false);
        WriteInclusion(outputPath, document);
        return outputPath;
    }

    /// <summary>
    /// The inclusion file of <paramref name="accountId"/> (as <see cref="ProveInclusionAsync(string, string, string, CancellationToken)"/>
    /// writes it), proved against an epoch's manifest and tree already read, and written nowhere: a prover
    /// serving requests keeps the epoch's tree loaded and may see the epoch directory read-only.
    /// </summary>
    /// <exception cref="InputException">The account is not in the epoch.</exception>
    public async Task<JsonObject> InclusionDocumentAsync(EpochManifest manifest, MerkleSumTree tree, string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var index = tree.FindLeaf(accountId) ?? throw new InputException($"account '{accountId}' is not in this epoch", field: "--account");
        return await InclusionDocumentAsync(manifest, tree, index, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Progress of <see cref="ProveAllInclusionsAsync"/>: accounts done (proved or kept) of the total.</summary>
    /// <param name="Precomputation">Time spent building the native prover's window multiples (zero when it did not pay).</param>
    public sealed record InclusionProgress(int Done, int Total, int Proved, int Kept, TimeSpan Elapsed, TimeSpan Precomputation = default);

    /// <summary>The time left at the rate so far, as hh:mm:ss ("unknown" before anything is done).</summary>
    public static string TimeLeft(InclusionProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var perSecond = progress.Done / Math.Max(progress.Elapsed.TotalSeconds, 1e-9);
        return progress.Done == 0 ? "unknown" : TimeSpan.FromSeconds((progress.Total - progress.Done) / perSecond).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Proofs still to make from which the native prover builds its window multiples first: for
    /// inclusion(20, 4) they cost about 14 s once and save about 0.1 s per proof (bench/RESULTS.md).
    /// </summary>
    public const int ProofsWorthPrecomputing = 1000;

    /// <summary>
    /// Writes every account's inclusion file into <paramref name="outputDirectory"/>. A file already there
    /// (a previous run that was interrupted) is kept, not proved again, when it passes every check
    /// <c>verify inclusion</c> makes against this epoch's manifest with <paramref name="keys"/>: it is
    /// then that account's valid proof for this commitment. Anything else there is proved again. Files
    /// are written whole (write, then rename).
    /// </summary>
    public Task<InclusionProgress> ProveAllInclusionsAsync(string epochDirectory, string outputDirectory, VerificationKeys keys, IProgress<InclusionProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ProveInclusionsAsync(epochDirectory, EpochDirectory.ReadTree(epochDirectory), outputDirectory, keys, 0, null, progress, cancellationToken);

    /// <summary>
    /// The same for the leaves <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive;
    /// null: the last) of <paramref name="tree"/>, the epoch's tree as read from its directory: one
    /// batch of a proving shared between replicas.
    /// </summary>
    /// <exception cref="InputException">A range outside the tree's leaves.</exception>
    public async Task<InclusionProgress> ProveInclusionsAsync(string epochDirectory, MerkleSumTree tree, string outputDirectory, VerificationKeys keys, int start, int? end, IProgress<InclusionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(tree);
        var last = end ?? tree.LeafCount;
        if (start < 0 || last > tree.LeafCount || start > last)
        {
            throw new InputException($"leaves {start}..{last} are not within the epoch's {tree.LeafCount}", field: "range");
        }
        var published = ProofChecks.Published.FromManifest(Path.Combine(epochDirectory, EpochDirectory.ManifestFile));
        var manifest = published.Manifest!;
        Directory.CreateDirectory(outputDirectory);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int proved = 0, kept = 0;
        var precomputation = TimeSpan.Zero;
        for (var index = start; index < last; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var accountId = tree.Leaf(index).AccountId;
            var path = Path.Combine(outputDirectory, InclusionFileName(accountId));
            if (IsFinished(path, accountId, published, keys))
            {
                kept++;
            }
            else
            {
                if (proved == 0 && prover is NativeProver native && last - index >= ProofsWorthPrecomputing)
                {
                    var started = clock.Elapsed;
                    native.PrecomputeBases(InclusionCircuitName(tree.Depth, tree.AssetCount), cancellationToken);
                    precomputation = clock.Elapsed - started;
                }
                WriteInclusion(path, await InclusionDocumentAsync(manifest, tree, index, cancellationToken).ConfigureAwait(false));
                proved++;
            }
            progress?.Report(new InclusionProgress(index + 1 - start, last - start, proved, kept, clock.Elapsed, precomputation));
        }
        return new InclusionProgress(last - start, last - start, proved, kept, clock.Elapsed, precomputation);
    }

    // A file of an earlier run counts only if it is this account's and verifies for this very commitment
    // (the checks of `verify inclusion`, the commitment among them).
    private static bool IsFinished(string path, string accountId, ProofChecks.Published published, VerificationKeys keys)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            var document = JsonNode.Parse(File.ReadAllText(path))?.AsObject();
            return document?["account"]?.GetValue<string>() == accountId && ProofChecks.Inclusion(path, published, keys).IsValid;
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or InvalidOperationException or InputException)
        {
            return false;
        }
    }

    private async Task<JsonObject> InclusionDocumentAsync(EpochManifest manifest, MerkleSumTree tree, int index, CancellationToken cancellationToken)
    {
        var leaf = tree.Leaf(index);
        var circuit = InclusionCircuitName(tree.Depth, tree.AssetCount);
        var proof = await prover.ProveAsync(circuit, CircuitInputs.Inclusion(tree, index, manifest.Binding()), cancellationToken).ConfigureAwait(false);
        var document = new JsonObject
        {
            ["format"] = InclusionFormat,
            ["circuit"] = circuit,
            ["account"] = leaf.AccountId,
            ["salt"] = leaf.Salt.ToString(),
            ["balances"] = new JsonArray([.. leaf.Balances.Select(b => JsonValue.Create(b.ToString(CultureInfo.InvariantCulture)))]),
            ["leafHash"] = leaf.LeafHash.ToString(),
            ["epoch"] = manifest.Epoch.ToString(CultureInfo.InvariantCulture),
            ["publisher"] = manifest.Publisher,
            ["depth"] = manifest.Depth,
            ["assets"] = new JsonArray([.. tree.Parameters.Assets.Select(a => new JsonObject { ["symbol"] = a.Id.Symbol, ["proofDecimals"] = a.ProofDecimals })]),
            ["rootHash"] = manifest.RootHash,
            ["paramsHash"] = manifest.ParamsHash,
            ["commitment"] = manifest.Commitment,
            ["proof"] = proof.Proof,
            ["publicSignals"] = new JsonArray([.. proof.PublicSignals.Select(s => JsonValue.Create(s))]),
        };
        return document;
    }

    private static void WriteInclusion(string outputPath, JsonObject document)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        EpochDirectory.WriteDocument(outputPath, document, ownerOnly: true); // the account's salt and balances
    }
}
