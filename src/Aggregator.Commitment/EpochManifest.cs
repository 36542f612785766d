using System.Text.Json.Serialization;

namespace Aggregator.Commitment;

/// <summary>
/// The public description of an epoch's commitment (manifest.json): nothing in it reveals totals or the
/// number of accounts. <see cref="Commitment"/> is the published value, Poseidon(rootHash, paramsHash,
/// epoch, publisher). <see cref="Reserves"/> and <see cref="Publication"/> are added by later steps
/// (proving solvency, publishing on chain).
/// </summary>
public sealed record EpochManifest(
    string Format,
    ulong Epoch,
    string Publisher,
    string RootHash,
    int Depth,
    IReadOnlyList<EpochManifest.AssetEntry> Assets,
    string ParamsHash,
    string Commitment,
    DateTimeOffset CreatedAt)
{
    public const string CurrentFormat = "aggregator-commitment/2";

    /// <summary>The commitment parameters the manifest names.</summary>
    /// <exception cref="Core.Errors.InputException">A symbol, decimals or the depth out of range.</exception>
    public CommitmentParameters Parameters() => ParametersOf(Depth, Assets, "the manifest's");

    /// <summary>Parameters from a depth and assets as a file names them (<paramref name="whose"/> says whose, in the error).</summary>
    /// <exception cref="Core.Errors.InputException">A symbol, decimals or the depth out of range.</exception>
    internal static CommitmentParameters ParametersOf(int depth, IReadOnlyList<AssetEntry> assets, string whose)
    {
        try
        {
            return new CommitmentParameters(depth, assets.Select(a => new CommitmentAsset(new Core.Assets.AssetId(a.Symbol), a.ProofDecimals)).ToArray());
        }
        catch (Exception error) when (error is ArgumentException or FormatException)
        {
            throw new Core.Errors.InputException($"{whose} parameters are invalid: {error.Message}", field: "assets");
        }
    }

    /// <summary>
    /// Recomputes paramsHash and the commitment from the manifest's own root, parameters, epoch and
    /// publisher; a manifest whose recorded values disagree is refused.
    /// </summary>
    /// <exception cref="Core.Errors.InputException">A value is malformed or does not match its recomputation.</exception>
    public EpochCommitment Binding()
    {
        if (!Crypto.Field.Fr.TryParse(RootHash, out var root) || !PublisherAddress.TryParse(Publisher, out var publisher))
        {
            throw new Core.Errors.InputException("the manifest's rootHash or publisher is malformed", field: "rootHash");
        }
        var binding = new EpochCommitment(root, Parameters().Hash(), Epoch, publisher);
        if (binding.ParamsHash.ToString() != ParamsHash)
        {
            throw new Core.Errors.InputException($"the manifest's paramsHash {ParamsHash} is not the hash of its depth and assets ({binding.ParamsHash})", field: "paramsHash");
        }
        if (binding.Value.ToString() != Commitment)
        {
            throw new Core.Errors.InputException($"the manifest's commitment {Commitment} is not Poseidon(rootHash, paramsHash, epoch, publisher) ({binding.Value})", field: "commitment");
        }
        return binding;
    }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ReserveEntry>? Reserves { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PublicationEntry? Publication { get; init; }

    /// <summary>The block of each chain the liabilities were taken at (absent for a commitment built from a ledger file).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HeightEntry>? Liabilities { get; init; }

    /// <summary>
    /// The time (unix seconds) the liabilities were taken at: drawn from the window's seed, each EVM chain
    /// at its state then (docs/proofs.md, "Liabilities at a drawn time"); absent without a window.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? LiabilitiesTime { get; init; }

    /// <summary>
    /// Per evidence tag (key-proven, custodian-attested, self-declared), per asset, in whole units: the
    /// reserves evidence's totals (docs/proofs.md, "Evidence tags"). The solvency proof's reserves count
    /// key-proven and custodian-attested addresses only; absent when the reserves came as bare totals.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SortedDictionary<string, SortedDictionary<string, string>>? ReservesByEvidence { get; init; }

    /// <summary>A chain (CAIP-2), a height and its block hash.</summary>
    public sealed record HeightEntry(string Chain, ulong Height, string BlockHash);

    public sealed record AssetEntry(string Symbol, int ProofDecimals);

    /// <summary>
    /// A reserve the solvency proof counts: whole units as given and in proof units (rounded down), and the
    /// coverage ratio proven for the asset in basis points (reserves at least ratio / 10000 of the
    /// liabilities, which stay hidden).
    /// </summary>
    public sealed record ReserveEntry(string Symbol, string Amount, string ProofUnits, uint CoverageBasisPoints);

    /// <summary>Where the commitment was published: chain (CAIP-2), registry and publisher addresses, transaction hash.</summary>
    public sealed record PublicationEntry(string Chain, string Registry, string Publisher, string TransactionHash)
    {
        /// <summary>The block that holds the publication (absent in manifests published before it was recorded).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public ulong? Block { get; init; }

        /// <summary>That block's time: what a Proof-of-Reserve feed reports as updatedAt.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public DateTimeOffset? BlockTime { get; init; }

        /// <summary>The claims root published with the commitment (0x and 64 hex digits): the reserve addresses counted.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ClaimsRoot { get; init; }

        /// <summary>The publisher's previous commitment the publication chains onto ("0" for its first).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? PrevCommitment { get; init; }
    }
}
