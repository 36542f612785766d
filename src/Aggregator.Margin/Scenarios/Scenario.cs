using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Positions;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Scenarios;

/// <summary>A margin scenario (docs/margin.md, "Scenario file"): assets, haircuts, settings and accounts.</summary>
public sealed record Scenario(
    IReadOnlyList<MarginAsset> Assets,
    IReadOnlyDictionary<(ChainId Chain, AssetId Asset), decimal> Haircuts,
    MarginSettings Settings,
    IReadOnlyList<MarginAccount> Accounts)
{
    /// <summary>The market this scenario describes, resolved (oracles, dynamic margin).</summary>
    public MarketState ResolveMarket() => MarketState.Resolve(Assets, Haircuts, Settings);
}
