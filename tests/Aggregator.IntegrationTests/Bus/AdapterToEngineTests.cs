using System.Numerics;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Balances;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Engine;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Testing;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>From balances on a real node, through the adapter and RabbitMQ, into the engine's book.</summary>
[Collection(ServicesTests.Name)]
public sealed class AdapterToEngineTests(AnvilNode node, RabbitMqBroker broker)
{
    private const int Accounts = 20;

    [Fact]
    public async Task Balances_on_chain_reach_every_account_s_health_and_a_change_follows_at_the_next_height()
    {
        var web3 = node.Web3For(0);
        var multicall = await ContractArtifact.DeployAsync(web3, RepositoryPaths.Combine("contracts", "artifacts"), "Multicall3", []);
        var addresses = Enumerable.Range(0, Accounts).Select(_ => Nethereum.Signer.EthECKey.GenerateKey().GetPublicAddress()).ToArray();
        for (var i = 0; i < Accounts; i++)
        {
            await SetBalance(addresses[i], new BigInteger(OneEth) * (i + 1) / 2); // 0.5, 1, 1.5 … ETH
        }
        var settings = Settings(0) with
        {
            Accounts = [.. addresses.Select((address, i) => new EngineAccount($"account-{i}", [(Ethereum, address)]))],
        };
        var reader = new EvmBalanceReader(web3, new EvmChainOptions
        {
            Name = "anvil",
            ChainId = 31337,
            RpcUrl = node.RpcUrl,
            Confirmations = 0,
            Multicall3Address = multicall,
            Addresses = addresses,
        });
        var queue = $"engine-{Guid.NewGuid():N}";
        using var host = AggregatorHost.Build(new HostPlan(broker.Transport(BusIdentity.All))
        {
            Engine = settings,
            EngineQueue = queue,
            Adapters = [reader],
            PollInterval = TimeSpan.FromMilliseconds(200),
        });
        var engine = host.Services.GetRequiredService<EngineBook>();
        for (var i = 0; i < Accounts; i++)
        {
            engine.Book.SetDebt(i, engine.Book.AssetIndex(Usdc), 1_000_000_000); // 1000 USDC each
        }
        await host.StartAsync();
        try
        {
            await Eventually.Until(() => engine.Book.WeightedCollateral(Accounts - 1) > 0, "the adapter's first batch reached the engine");
            for (var i = 0; i < Accounts; i++)
            {
                Assert.Equal((i + 1) / 2m * 2000m * 0.825m, engine.Book.WeightedCollateral(i)); // ETH at 2000, LT 0.825
            }
            Assert.Equal(Margin.Evaluation.MarginStatus.Liquidatable, engine.Book.Status(0)); // 0.5 ETH: worth the 1000 owed, weighted 825

            // Account 0 tops up to 10 ETH: the next height carries it.
            var before = engine.AppliedHeight(Ethereum)!.Value;
            await SetBalance(addresses[0], new BigInteger(OneEth) * 10);
            await node.Web3For(0).Client.SendRequestAsync(new RpcRequest(1, "anvil_mine", "0x1"));
            await Eventually.Until(() => engine.Book.WeightedCollateral(0) == 16500m, "the top-up reached the engine");
            Assert.True(engine.AppliedHeight(Ethereum) > before);
            Assert.Equal(Margin.Evaluation.MarginStatus.Healthy, engine.Book.Status(0));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private Task SetBalance(string address, BigInteger wei) =>
        node.Web3For(0).Client.SendRequestAsync(new RpcRequest(1, "anvil_setBalance", address, new HexBigInteger(wei).HexValue));
}
