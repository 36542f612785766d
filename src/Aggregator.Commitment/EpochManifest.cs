using System.Text.Json.Serialization;

namespace Aggregator.Commitment;

/// <summary>
/// The public description of an epoch's commitment (manifest.json): nothing in it reveals totals or the
/// number of accounts. <see cref="Reserves"/> and <see cref="Publication"/> are added by later steps
/// (proving solvency, publishing on chain).
/// </summary>
public sealed record EpochManifest(
    string Format,
    ulong Epoch,
    string RootHash,
    int Depth,
    IReadOnlyList<EpochManifest.AssetEntry> Assets,
    DateTimeOffset CreatedAt)
{
    public const string CurrentFormat = "aggregator-commitment/1";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ReserveEntry>? Reserves { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PublicationEntry? Publication { get; init; }

    public sealed record AssetEntry(string Symbol, int ProofDecimals);

    /// <summary>A reserve the solvency proof covers: whole units as given and in proof units (rounded down).</summary>
    public sealed record ReserveEntry(string Symbol, string Amount, string ProofUnits);

    /// <summary>Where the commitment was published: chain (CAIP-2), registry and publisher addresses, transaction hash.</summary>
    public sealed record PublicationEntry(string Chain, string Registry, string Publisher, string TransactionHash);
}
