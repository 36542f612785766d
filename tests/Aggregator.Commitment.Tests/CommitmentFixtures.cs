using Aggregator.Core.Assets;

namespace Aggregator.Commitment.Tests;

internal static class CommitmentFixtures
{
    public static CommitmentParameters Parameters(string assets, int depth) => new(
        depth,
        assets.Split(',').Select(item => item.Split(':')).Select(p => new CommitmentAsset(new AssetId(p[0]), int.Parse(p[1]))).ToArray());

    public static IReadOnlyList<LiabilityRow> Ledger(CommitmentParameters parameters, string csv) =>
        LedgerCsv.Read(new StringReader(csv), "test.csv", parameters);

    public static LiabilityRow[] RandomRows(int count, int assets, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => new LiabilityRow($"account-{i}", Enumerable.Range(0, assets).Select(_ => (ulong)random.NextInt64(0, 1L << 40)).ToArray()))
            .ToArray();
    }
}
