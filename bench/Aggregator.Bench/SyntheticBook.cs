using Aggregator.Commitment;
using Aggregator.Core.Assets;

namespace Aggregator.Bench;

/// <summary>The books the proof benchmarks commit: D = 20, K = 4 (BTC:8, ETH:8, SOL:6, USDC:6), random balances below 2^40.</summary>
internal static class SyntheticBook
{
    public static CommitmentParameters Parameters { get; } =
        new(20, [new(new AssetId("BTC"), 8), new(new AssetId("ETH"), 8), new(new AssetId("SOL"), 6), new(new AssetId("USDC"), 6)]);

    /// <summary><paramref name="accounts"/> rows named account-0.., the same for the same <paramref name="seed"/>.</summary>
    public static LiabilityRow[] Rows(int accounts, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, accounts).Select(i => new LiabilityRow($"account-{i}", [.. Enumerable.Range(0, 4).Select(_ => (ulong)random.NextInt64(1L << 40))]))];
    }
}
