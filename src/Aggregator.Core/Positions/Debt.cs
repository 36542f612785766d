using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Core.Positions;

/// <summary>An amount of an asset that the account owes.</summary>
public sealed record Debt(AssetId Asset, Amount Amount);
