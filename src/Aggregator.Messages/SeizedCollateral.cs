using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;

namespace Aggregator.Messages;

/// <summary>What an executed liquidation took: <paramref name="Amount"/> base units of <paramref name="Asset"/> held on <paramref name="Chain"/>.</summary>
public sealed record SeizedCollateral(ChainId Chain, AssetId Asset, Amount Amount);
