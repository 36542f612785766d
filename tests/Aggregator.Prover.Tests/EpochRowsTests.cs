using Aggregator.Commitment;
using Aggregator.Core.Assets;
using Aggregator.Messages;
using Aggregator.Prover;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Prover.Tests;

/// <summary>How the prover turns the partitions' answers into leaf rows, and what stops a close.</summary>
public class EpochRowsTests
{
    private static readonly CommitmentParameters Parameters = new(20, [new CommitmentAsset(Eth, 8), new CommitmentAsset(new AssetId("BTC"), 8), new CommitmentAsset(Usdc, 6)]);
    private static readonly LiabilityAsset[] Columns = [new(Usdc, 6), new(Eth, 18), new(new AssetId("BTC"), 8)];

    private static LiabilitiesReported Answer(int partition, int count, params (string Account, UInt128 Usdc, UInt128 Wei, UInt128 Sats)[] accounts) =>
        new(Guid.Empty, partition, count, [new AppliedBlock(Ethereum, 10, "0xa")], Columns,
            [.. accounts.Select(a => new AccountLiabilities(a.Account, [a.Usdc, a.Wei, a.Sats]))]);

    [Fact]
    public void Rows_put_each_asset_in_the_commitment_s_column_rounded_up_to_proof_units()
    {
        var rows = EpochCloser.Rows(Parameters, ["a", "b"], [Answer(0, 2, ("a", 5, 1, 0)), Answer(1, 2, ("b", 0, 10_000_000_000, 3))]);
        Assert.Equal(["a", "b"], rows.Select(r => r.AccountId));
        Assert.Equal([1UL, 0, 5], rows[0].Balances); // 1 wei is owed: it rounds up to one proof unit, never down to nothing
        Assert.Equal([1UL, 3, 0], rows[1].Balances);
    }

    [Theory]
    [InlineData("twice", "answered by two partitions")]
    [InlineData("missing", "in no partition's answer (first: 'c')")]
    [InlineData("uncommitted", "which the commitment does not list")]
    [InlineData("overflow", "a leaf holds at most 2^64 - 1")]
    [InlineData("short", "gives account 'a' 2 amounts for 3 assets")]
    public void A_close_stops_when_the_answers_do_not_add_up(string fault, string expected)
    {
        var answers = fault switch
        {
            "twice" => new[] { Answer(0, 2, ("a", 1, 0, 0)), Answer(1, 2, ("a", 1, 0, 0), ("b", 0, 0, 0)) },
            "missing" => [Answer(0, 1, ("a", 1, 0, 0), ("b", 0, 0, 0))],
            "uncommitted" => [Answer(0, 1, ("a", 1, 0, 5), ("b", 0, 0, 0)) with { Assets = [.. Columns[..2], new LiabilityAsset(new AssetId("DOGE"), 8)] }],
            "short" => [Answer(0, 1, ("a", 1, 0, 0), ("b", 0, 0, 0)) with { Accounts = [new AccountLiabilities("a", [1, 0]), new AccountLiabilities("b", [0, 0, 0])] }],
            _ => [Answer(0, 1, ("a", UInt128.MaxValue, 0, 0), ("b", 0, 0, 0))],
        };
        string[] accounts = fault == "missing" ? ["a", "b", "c"] : ["a", "b"];
        var error = Assert.Throws<EpochCloseException>(() => EpochCloser.Rows(Parameters, accounts, answers));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_below_the_heights_of_an_earlier_epoch_is_named_and_one_at_or_above_them_is_not()
    {
        Commitment.EpochManifest.HeightEntry[] previous = [new(Ethereum.ToString(), 50, "0x32"), new(Solana.ToString(), 9000, "")];
        Assert.Null(EpochCloser.Behind([new AppliedBlock(Ethereum, 50, "0x32"), new AppliedBlock(Solana, 9001, "")], previous));
        Assert.Equal($"{Ethereum} at height 49, below 50", EpochCloser.Behind([new AppliedBlock(Ethereum, 49, "0x31"), new AppliedBlock(Solana, 9001, "")], previous));
        Assert.Null(EpochCloser.Behind([new AppliedBlock(Ethereum, 51, "0x33")], previous)); // a chain no longer followed is not a floor
    }
}
