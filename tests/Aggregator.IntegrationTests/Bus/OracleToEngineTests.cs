using System.Collections.Concurrent;
using System.Numerics;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Prices;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Engine;
using Aggregator.Adapters.Oracle;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Margin.Evaluation;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Hex.HexTypes;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>A price feed on a real node moves; through the oracle role and RabbitMQ the engine reprices and calls the account.</summary>
[Collection(ServicesTests.Name)]
public sealed class OracleToEngineTests(AnvilNode node, RabbitMqBroker broker)
{
    public sealed class Calls(ConcurrentQueue<MarginCall> seen) : IConsumer<MarginCalls>
    {
        public Task Consume(ConsumeContext<MarginCalls> context)
        {
            foreach (var call in context.Message.Calls)
            {
                seen.Enqueue(call);
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The engine's and the oracle's clock set to the chain's: a shared development node mines ahead of the
    /// wall clock, and the oracle rules count a quote stamped in the future as not fresh.
    /// </summary>
    public sealed class ChainClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static async Task<DateTimeOffset> LatestBlockTime(Nethereum.Web3.Web3 web3)
    {
        var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest());
        return DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp.Value);
    }

    [Fact]
    public async Task A_falling_feed_makes_the_holder_liquidatable_and_a_margin_call_is_published()
    {
        var web3 = node.Web3For(0);
        var artifacts = RepositoryPaths.Combine("contracts", "artifacts");
        var multicall = await ContractArtifact.DeployAsync(web3, artifacts, "Multicall3", []);
        var feed = await ContractArtifact.DeployAsync(web3, artifacts, "PriceFeed", [(byte)8, "ETH / USD", new BigInteger(2000_00000000)]);
        var reader = new EvmPriceFeedReader(web3, Ethereum, multicall, [new PriceFeedSource(Eth, feed)]);
        var first = (await reader.ReadAsync()).Single();
        Assert.Equal(2000m, first.Quote!.Price);

        var calls = new ConcurrentQueue<MarginCall>();
        var clock = new ChainClock { Now = await LatestBlockTime(web3) };
        var queue = $"engine-{Guid.NewGuid():N}";
        using var host = AggregatorHost.Build(
            new HostPlan(broker.Transport(BusIdentity.All))
            {
                Engine = Settings(1),
                EngineQueue = queue,
                Oracle = new OracleSources([reader], new Dictionary<Core.Assets.AssetId, decimal> { [Usdc] = 1.0001m }),
                PollInterval = TimeSpan.FromMilliseconds(200),
            },
            bus =>
            {
                bus.AddSingleton(calls);
                bus.AddSingleton<TimeProvider>(clock);
                bus.AddConsumer<Calls>().Endpoint(e => e.Name = queue + "-calls");
            });
        var engine = host.Services.GetRequiredService<EngineBook>();
        engine.Apply(Batch(1, "0x1", (0, OneEth)));               // 1 ETH
        engine.Book.SetDebt(0, engine.Book.AssetIndex(Usdc), 1_500_000_000); // 1500 USDC: HF 1.1 at 2000
        engine.Book.TakeHealthChanges([]);
        await host.StartAsync();
        try
        {
            await Eventually.Until(() => engine.Book.Market[Usdc].Price == 1.0001m, "the oracle's first prices reached the engine");
            Assert.Equal(2000m, engine.Book.Market[Eth].Price);
            var (abi, _) = await ContractArtifact.LoadAsync(artifacts, "PriceFeed");
            await web3.Eth.GetContract(abi, feed).GetFunction("setAnswer")
                .SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, new HexBigInteger(200_000), null, null, new BigInteger(1700_00000000));
            clock.Now = await LatestBlockTime(web3);
            await Eventually.Until(() => engine.Book.Market[Eth].Price == 1700m, "the new answer reached the engine");
            // A poll that read the new answer before the clock above moved to its block saw a quote from the
            // future, rightly not fresh: the account stays frozen until the engine prices it again as of a
            // later clock (the staleness check, every 5 s).
            await Eventually.Until(() => engine.Book.Status(0) == MarginStatus.Liquidatable, "account-0 is liquidatable"); // 1700 · 0.825 = 1402.5 < 1500
            await Eventually.Until(() => calls.Any(c => c.Account == "account-0" && c.Status == "liquidatable"), "a margin call for account-0 was published");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_feed_with_no_positive_answer_is_reported_not_priced()
    {
        var web3 = node.Web3For(0);
        var artifacts = RepositoryPaths.Combine("contracts", "artifacts");
        var multicall = await ContractArtifact.DeployAsync(web3, artifacts, "Multicall3", []);
        var negative = await ContractArtifact.DeployAsync(web3, artifacts, "PriceFeed", [(byte)8, "broken", new BigInteger(-1)]);
        var notAFeed = await ContractArtifact.DeployAsync(web3, artifacts, "Multicall3", []);
        var readings = await new EvmPriceFeedReader(web3, Ethereum, multicall, [new PriceFeedSource(Eth, negative), new PriceFeedSource(Eth, notAFeed)]).ReadAsync();
        Assert.All(readings, r => Assert.Null(r.Quote));
        Assert.Contains("is not a positive price", readings[0].Failure, StringComparison.Ordinal);
        Assert.Contains("failed", readings[1].Failure, StringComparison.Ordinal);
    }
}
