using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;

namespace Aggregator.Core.Positions;

/// <summary>An amount of an asset held on one chain, backing an account or an isolated position.</summary>
public sealed record CollateralPosition(ChainId Chain, AssetId Asset, Amount Amount);
