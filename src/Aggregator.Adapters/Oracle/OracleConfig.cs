using Aggregator.Chains.Evm.Prices;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Reserves.Configuration;

namespace Aggregator.Adapters.Oracle;

/// <summary>The oracle's Chainlink-style feeds (chain, asset, address) and fixed prices.</summary>
public sealed record OracleConfig(IReadOnlyList<(ChainId Chain, AssetId Asset, string Address)> Feeds, IReadOnlyDictionary<AssetId, decimal> FixedPrices)
{
    /// <summary>The source name of the configuration's fixed prices.</summary>
    public const string FixedPriceSource = "configuration";

    /// <summary>Every (asset, source) whose quotes the engine takes: each feed, and each fixed price.</summary>
    public IReadOnlySet<(AssetId Asset, string Source)> SourceNames() => new HashSet<(AssetId, string)>(
    [
        .. Feeds.Select(f => (f.Asset, EvmPriceFeedReader.SourceName(f.Chain, f.Address))),
        .. FixedPrices.Keys.Select(asset => (asset, FixedPriceSource)),
    ]);

    /// <summary>Readers for the feeds, one per chain, through that chain's configured node and Multicall3.</summary>
    public OracleSources Sources(ReservesConfig reserves)
    {
        ArgumentNullException.ThrowIfNull(reserves);
        var readers = Feeds.GroupBy(f => f.Chain).Select(group =>
        {
            var chain = reserves.Evm.First(c => ChainId.Evm(c.Options.ChainId) == group.Key).Options;
            return new EvmPriceFeedReader(
                new Nethereum.Web3.Web3(chain.RpcUrl), group.Key, chain.Multicall3Address,
                [.. group.Select(f => new PriceFeedSource(f.Asset, f.Address))]);
        }).ToArray();
        return new OracleSources(readers, FixedPrices);
    }
}
