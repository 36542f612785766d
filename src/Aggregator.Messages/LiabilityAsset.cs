using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>A column of <see cref="LiabilitiesReported.Accounts"/>: the asset and the decimals its base units count in.</summary>
public sealed record LiabilityAsset(AssetId Asset, int Decimals);
