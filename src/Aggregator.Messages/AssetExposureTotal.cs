using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// One asset in one engine partition: what its accounts hold with the institution (<paramref name="Collateral"/>,
/// what the institution owes them) and what they owe it (<paramref name="Lent"/>), in base units, with
/// the book's price and oracle status of the asset.
/// </summary>
public sealed record AssetExposureTotal(AssetId Asset, Amount Collateral, Amount Lent, decimal Price, string OracleStatus);
