using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Core.Observations;

/// <summary>What an address held of an asset at the batch's height, in base units.</summary>
public sealed record BalanceObservation(string Address, AssetId Asset, Amount Amount);
