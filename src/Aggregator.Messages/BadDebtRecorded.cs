using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// A liquidated account's collateral is gone and it still owed <paramref name="Amount"/> of
/// <paramref name="Asset"/>: the engine partition that owns it wrote that off as a deficit
/// (<paramref name="Id"/> names the liquidation and the asset). Sent again after a restart; the risk role
/// applies each id once and covers it from the insurance fund (docs/margin.md, "Live bad debt").
/// </summary>
public sealed record BadDebtRecorded(string Id, string Account, AssetId Asset, Amount Amount, DateTimeOffset At);
