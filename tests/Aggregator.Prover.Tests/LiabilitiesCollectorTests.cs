using Aggregator.Composition;
using Aggregator.Engine;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using Aggregator.Prover;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Prover.Tests;

/// <summary>How the prover gathers the partitions' answers: every part of every partition, or the reason why not.</summary>
public sealed class LiabilitiesCollectorTests
{
    private static LiabilitiesReported Part(Guid id, int partition, int part, int parts, string account, ulong height = 10) =>
        new(id, partition, 2, [new AppliedBlock(Ethereum, height, $"0x{height:x}")], [new LiabilityAsset(Eth, 18)], [new AccountLiabilities(account, [1])], part, parts);

    private static readonly Uri ReplyAddress = new("loopback://localhost/prover.reports.test");

    // Runs CollectAsync on an in-memory bus, feeding the answers in as the request goes out.
    private static async Task<IReadOnlyList<LiabilitiesReported>> Collect(Func<Guid, IEnumerable<LiabilitiesReported>> answers, TimeSpan timeout)
    {
        using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory));
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            var replies = new ReplyEndpoint<LiabilitiesReported>("prover-reports", temporary: true);
            replies.Configured(ReplyAddress);
            var collector = new LiabilitiesCollector(bus, replies);
            using var observer = bus.ConnectPublishObserver(new RequestTap(id =>
            {
                foreach (var answer in answers(id))
                {
                    collector.Report(answer);
                }
            }));
            return await collector.CollectAsync(7, 2, timeout, CancellationToken.None);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Every_part_of_every_partition_arrives_in_any_order_and_comes_back_whole()
    {
        var answers = await Collect(id => [Part(id, 1, 1, 2, "d"), Part(id, 0, 0, 1, "a"), Part(id, 1, 0, 2, "c")], TimeSpan.FromSeconds(10));
        Assert.Equal([0, 1], answers.Select(a => a.Partition));
        Assert.Equal(["c", "d"], answers[1].Accounts.Select(a => a.Account));
        Assert.Equal((0, 1), (answers[1].Part, answers[1].Parts));
    }

    [Fact]
    public async Task A_partition_whose_last_part_never_comes_is_named()
    {
        var error = await Assert.ThrowsAsync<EpochCloseException>(() => Collect(id => [Part(id, 0, 0, 1, "a"), Part(id, 1, 0, 2, "c")], TimeSpan.FromMilliseconds(500)));
        Assert.Contains("engine partitions 1 of 2 did not answer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count", "the prover expects 2 partitions")]
    [InlineData("parts", "after announcing 2 parts")]
    [InlineData("blocks", "disagree on the blocks")]
    public async Task Answers_that_do_not_fit_together_stop_the_close(string fault, string expected)
    {
        var error = await Assert.ThrowsAsync<EpochCloseException>(() => Collect(id => fault switch
        {
            "count" => [Part(id, 0, 0, 1, "a") with { PartitionCount = 3 }],
            "parts" => [Part(id, 1, 0, 2, "c"), Part(id, 1, 1, 3, "d")],
            _ => [Part(id, 0, 0, 1, "a"), Part(id, 1, 0, 2, "c"), Part(id, 1, 1, 2, "d", height: 11)],
        }, TimeSpan.FromSeconds(10)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_engine_answers_in_parts_of_ten_thousand_accounts_at_one_set_of_blocks()
    {
        var engine = new EngineBook(Settings(EngineBook.PartSize + 1).CreateBook());
        engine.Apply(Batch(10, "0xa", (0, OneEth)));
        var parts = engine.Liabilities(Guid.NewGuid());
        Assert.Equal([(0, 2, EngineBook.PartSize), (1, 2, 1)], parts.Select(p => (p.Part, p.Parts, p.Accounts.Count)));
        Assert.All(parts, p => Assert.Equal(parts[0].Heights, p.Heights));

        var health = engine.Health(Guid.NewGuid());
        Assert.Equal([(0, 2, EngineBook.PartSize), (1, 2, 1)], health.Select(p => (p.Part, p.Parts, p.Accounts.Count)));
        Assert.All(health, p =>
        {
            Assert.Equal(parts[0].Heights, p.Heights);
            Assert.Equal((health[0].LedgerEntries, health[0].Rebuilt), (p.LedgerEntries, p.Rebuilt));
        });
        Assert.Equal(EngineBook.PartSize + 1, health.SelectMany(p => p.Accounts).Select(a => a.Account).Distinct().Count());
    }

    private sealed class RequestTap(Action<Guid> requested) : IPublishObserver
    {
        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is LiabilitiesRequested request)
            {
                // Answers are asked for on the prover's own reply queue, point to point.
                Assert.Equal(ReplyAddress, context.ResponseAddress);
                Assert.Equal(request.RequestId, context.RequestId);
                requested(request.RequestId);
            }
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
