using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Engine;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

public class EnginePartitionTests
{
    [Fact]
    public void Every_account_belongs_to_exactly_one_partition_whatever_the_count()
    {
        foreach (var count in new[] { 1, 2, 3, 7 })
        {
            for (var i = 0; i < 500; i++)
            {
                Assert.Single(Enumerable.Range(0, count), index => new EnginePartition(index, count).Owns($"account-{i}"));
            }
        }
        Assert.Equal("engine", EnginePartition.Whole.Queue);
        Assert.Equal("engine-1-of-4", EnginePartition.Parse("1/4").Queue);
    }

    [Theory]
    [InlineData("2/2")]
    [InlineData("-1/2")]
    [InlineData("0/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void A_partition_that_is_none_is_refused(string text) =>
        Assert.Equal("--partition", Assert.Throws<InputException>(() => EnginePartition.Parse(text)).Field);

    [Fact]
    public void A_replica_passes_over_another_partition_s_entries_and_still_refuses_unknown_accounts()
    {
        var partition = new EnginePartition(0, 2);
        var settings = Settings(20);
        var others = settings.Accounts.Select(a => a.Id).Where(id => !partition.Owns(id)).ToHashSet();
        var engine = new EngineBook(settings.CreateBook(partition), others);
        var foreign = others.First();
        var outcome = engine.Apply(new LedgerEntry("e1", foreign, LedgerEntryKind.Borrow, Usdc, new Amount(5, 6), DateTimeOffset.UnixEpoch));
        Assert.False(outcome.Applied);
        Assert.Contains("another partition", outcome.Reason, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => engine.Apply(new LedgerEntry("e2", "mallory", LedgerEntryKind.Borrow, Usdc, new Amount(5, 6), DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void Only_the_owning_partition_answers_for_an_accounts_risk_and_an_unknown_account_is_not_found()
    {
        var partition = new EnginePartition(0, 2);
        var settings = Settings(20);
        var others = settings.Accounts.Select(a => a.Id).Where(id => !partition.Owns(id)).ToHashSet();
        var engine = new EngineBook(settings.CreateBook(partition), others, partition);
        var own = settings.Accounts.Select(a => a.Id).First(partition.Owns);
        Assert.True(engine.Owns(own));
        Assert.False(engine.Owns(others.First()));
        var risk = engine.Risk(own);
        Assert.True(risk.Found);
        Assert.Equal("healthy", risk.Status); // nothing held, nothing owed
        Assert.Null(risk.LargestMove);
        Assert.False(engine.Risk(others.First()).Found); // asked directly, the book does not hold it either
        Assert.True(new EngineBook(settings.CreateBook(EnginePartition.Whole)).Owns("anyone"));
    }
}
