namespace Aggregator.Proofs.Commitment;

/// <summary>
/// The public description of an epoch's commitment (manifest.json): nothing in it reveals totals or the
/// number of accounts.
/// </summary>
public sealed record EpochManifest(string Format, string RootHash, int Depth, IReadOnlyList<EpochManifest.AssetEntry> Assets, DateTimeOffset CreatedAt)
{
    public const string CurrentFormat = "aggregator-commitment/1";

    public sealed record AssetEntry(string Symbol, int ProofDecimals);
}
