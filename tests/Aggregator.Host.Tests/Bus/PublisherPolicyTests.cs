using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Host.Bus;
using Aggregator.Messages;

namespace Aggregator.Host.Tests.Bus;

/// <summary>Who may send what, as every consumer checks it against the broker-validated publisher.</summary>
public class PublisherPolicyTests
{
    private static readonly PricesObserved Prices = new([new PriceObservation(new AssetId("ETH"), "chainlink-eth-usd", 1000m, DateTimeOffset.UtcNow)]);

    private static HealthReported Health(int partition, int count) => new(Guid.NewGuid(), partition, count, [new AppliedBlock(ChainId.Evm(1), 1, "0x01")], true, 0, []);

    [Theory]
    [InlineData("oracle")]
    [InlineData("oracle-eu")]
    [InlineData("all")]
    public void Prices_from_the_oracle_are_taken(string publisher) => Assert.Null(PublisherPolicy.Refusal(Prices, publisher));

    [Theory]
    [InlineData("adapter", "only oracle may send it")]
    [InlineData("engine", "only oracle may send it")]
    [InlineData("prover", "only oracle may send it")]
    [InlineData("operator", "only oracle may send it")]
    [InlineData("guest", "names no role")]
    [InlineData("oracles", "names no role")]
    [InlineData("Oracle", "names no role")]
    [InlineData("engine-2-of-2", "names no role")]
    [InlineData(null, "no broker-validated user_id")]
    public void Prices_from_anyone_else_are_refused_with_the_reason(string? publisher, string reason) =>
        Assert.Contains(reason, PublisherPolicy.Refusal(Prices, publisher), StringComparison.Ordinal);

    [Fact]
    public void Every_message_has_its_senders_and_no_other()
    {
        var cases = new (object Message, string[] Senders)[]
        {
            (new CollateralObserved(new Core.Observations.ObservationBatch(ChainId.Evm(1), 1, "0x01", [], [])), ["adapter"]),
            // The prover reads the books itself at a close: it hands no read to the engines.
            (new CollateralObserved(new Core.Observations.ObservationBatch(ChainId.Parse("solana:localnet"), 1, "", [], [])), ["adapter"]),
            (Prices, ["oracle"]),
            (new LedgerEntry("e1", "alice", LedgerEntryKind.Borrow, new AssetId("USDC"), new Core.Amounts.Amount(1, 6), DateTimeOffset.UtcNow), ["operator"]),
            (Health(0, 1), ["engine"]),
            (new HealthRequested(Guid.NewGuid()), ["operator"]),
            (new RiskRequested("alice"), ["operator", "api"]),
            (new ObservationsReplayRequested("engine", DateTimeOffset.UtcNow), ["engine"]),
            (new EpochCloseRequested(1, DateTimeOffset.UtcNow), ["operator", "prover"]),
            (new InclusionProofRequested(1, "alice"), ["operator", "api"]),
            (new CollateralAttestationRequested(1, "alice", [1], [10_000], 1, "1", "1"), ["operator", "api"]),
            (new EpochClosed(1, "1", "m", null, []), ["prover"]),
            (new EpochCloseFailed(1, "why"), ["prover"]),
            (new MarginCalls([]), ["engine"]),
            (new AccountViewsChanged(0, 1, 1, [], [], [], DateTimeOffset.UtcNow), ["engine"]),
            (new AccountViewsRequested(Guid.NewGuid()), ["api"]),
            (new LiquidationRecorded("l1", "alice", new AssetId("ETH"), new Core.Amounts.Amount(1, 18), DateTimeOffset.UtcNow), ["engine"]),
            (new BadDebtRecorded("deficit:l1:USDC", "alice", new AssetId("USDC"), new Core.Amounts.Amount(1, 6), DateTimeOffset.UtcNow), ["engine"]),
            (new InsuranceFundChanged("l1", new AssetId("ETH"), new Core.Amounts.Amount(1, 18), new Core.Amounts.Amount(0, 18), new Core.Amounts.Amount(1, 18), new Core.Amounts.Amount(0, 18), DateTimeOffset.UtcNow), ["risk"]),
            (new ExposureReported(0, 1, [], DateTimeOffset.UtcNow), ["engine"]),
            (new HedgeProposed([], [], DateTimeOffset.UtcNow), ["risk"]),
            (new DeleveragingCandidatesRequested("perp:alice:p1", "alice", [], DateTimeOffset.UtcNow), ["risk"]),
            (new DeleveragingCandidatesReported("perp:alice:p1", 0, 1, [], DateTimeOffset.UtcNow), ["engine"]),
            (new DeleveragingPlanned("perp:alice:p1", "alice", [], [], DateTimeOffset.UtcNow), ["risk"]),
            // A tree worker may write into its own queue, but a job it wrote itself is not taken.
            (new TreeJobRequested(1, new string('a', 32), "identities", 0, 64), ["prover"]),
            (new InclusionBatchRequested(1, 0, 64), ["prover", "operator"]),
        };
        string[] users = ["adapter", "oracle", "engine", "prover", "operator", "api", "risk", "tree-worker", "tree-worker-2"];
        foreach (var (message, senders) in cases)
        {
            foreach (var user in users)
            {
                var refusal = (string?)typeof(PublisherPolicy).GetMethod(nameof(PublisherPolicy.Refusal))!.MakeGenericMethod(message.GetType()).Invoke(null, [message, user]);
                Assert.True(senders.Contains(user) == (refusal is null), $"{message.GetType().Name} from {user}: {refusal ?? "taken"}");
            }
        }
    }

    [Fact]
    public void An_engine_answers_for_its_own_partition_only()
    {
        Assert.Null(PublisherPolicy.Refusal(Health(1, 2), "engine-1-of-2"));
        Assert.Null(PublisherPolicy.Refusal(Health(0, 1), "engine"));
        Assert.Contains("another partition's engine", PublisherPolicy.Refusal(Health(0, 2), "engine-1-of-2"), StringComparison.Ordinal);
        Assert.Contains("another partition's engine", PublisherPolicy.Refusal(Health(0, 2), "engine"), StringComparison.Ordinal);
        Assert.Contains("another partition's engine", PublisherPolicy.Refusal(Health(1, 3), "engine-1-of-2"), StringComparison.Ordinal);
        Assert.Contains("another partition's engine", PublisherPolicy.Refusal(Health(5, 2), "engine-1-of-2"), StringComparison.Ordinal);
        Assert.Null(PublisherPolicy.Refusal(Health(0, 2), "all")); // one process running every role
        // Views of another partition's accounts would overwrite what the api shows of them.
        Assert.Contains("another partition's engine", PublisherPolicy.Refusal(new AccountViewsChanged(0, 2, 1, [], [], [], DateTimeOffset.UtcNow), "engine-1-of-2"), StringComparison.Ordinal);
        // Another partition's totals would move the institution's net exposure, and its hedges.
        Assert.Contains("another partition's engine", PublisherPolicy.Refusal(new ExposureReported(0, 2, [], DateTimeOffset.UtcNow), "engine-1-of-2"), StringComparison.Ordinal);
        Assert.Null(PublisherPolicy.Refusal(new ExposureReported(1, 2, [], DateTimeOffset.UtcNow), "engine-1-of-2"));
        // Another partition's deleveraging candidates would choose whose positions are closed.
        Assert.Contains("another partition's engine", PublisherPolicy.Refusal(new DeleveragingCandidatesReported("d", 0, 2, [], DateTimeOffset.UtcNow), "engine-1-of-2"), StringComparison.Ordinal);
        Assert.Null(PublisherPolicy.Refusal(new DeleveragingCandidatesReported("d", 1, 2, [], DateTimeOffset.UtcNow), "engine-1-of-2"));
    }

    [Fact]
    public void A_liquidation_or_a_deficit_is_taken_only_from_the_partition_owning_its_account()
    {
        var owner = Enumerable.Range(0, 2).Single(i => new EnginePartition(i, 2).Owns("alice"));
        var deficit = new BadDebtRecorded("deficit:l1:USDC", "alice", new AssetId("USDC"), new Core.Amounts.Amount(1, 6), DateTimeOffset.UtcNow);
        var liquidation = new LiquidationRecorded("l1", "alice", new AssetId("ETH"), new Core.Amounts.Amount(1, 18), DateTimeOffset.UtcNow);
        Assert.Null(PublisherPolicy.Refusal(deficit, $"engine-{owner}-of-2"));
        Assert.Null(PublisherPolicy.Refusal(liquidation, $"engine-{owner}-of-2"));
        // Another partition would move the fund for an account it does not hold.
        Assert.Contains("does not own it", PublisherPolicy.Refusal(deficit, $"engine-{1 - owner}-of-2"), StringComparison.Ordinal);
        Assert.Contains("does not own it", PublisherPolicy.Refusal(liquidation, $"engine-{1 - owner}-of-2"), StringComparison.Ordinal);
        Assert.Null(PublisherPolicy.Refusal(deficit, "engine")); // the whole book owns every account
    }
}
