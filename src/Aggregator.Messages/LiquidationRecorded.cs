using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// The engine partition that owns <paramref name="Account"/> applied the executed liquidation
/// <paramref name="EntryId"/>: the insurance fund is due <paramref name="Fee"/> of <paramref name="Asset"/>,
/// its share of the liquidation bonus in the seized asset (docs/margin.md, "Live bad debt"). Sent again
/// after a restart; the risk role applies each entry id once.
/// </summary>
public sealed record LiquidationRecorded(string EntryId, string Account, AssetId Asset, Amount Fee, DateTimeOffset At);
