using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// A liquidated account's collateral is gone and it still owed <paramref name="Amount"/> of
/// <paramref name="Asset"/>: the engine partition that owns it wrote that off as a deficit
/// (<paramref name="Id"/> names the liquidation and the asset). Sent again after a restart; the risk role
/// applies each id once and covers it from the insurance fund (docs/margin.md, "Live bad debt").
/// <para>
/// With <see cref="Perps"/>, it is a perp shortfall instead (docs/margin.md, "Live auto-deleveraging"): the
/// account is bankrupt with losing perps, and <paramref name="Amount"/> of the settlement asset is the part
/// of its negative equity they make. The fund covers what it can; the rest is closed against opposite
/// positions at each perp's bankruptcy price, never left outstanding.
/// </para>
/// </summary>
public sealed record BadDebtRecorded(string Id, string Account, AssetId Asset, Amount Amount, DateTimeOffset At)
{
    /// <summary>The bankrupt account's losing perps, for a perp shortfall; empty for a liquidation's deficit.</summary>
    public IReadOnlyList<BankruptPerp> Perps { get; init; } = [];
}

/// <summary>
/// A bankrupt account's losing perp: <paramref name="Size"/> base units of <paramref name="Asset"/>, short when
/// <paramref name="IsShort"/>, marked at <paramref name="MarkPrice"/>; at <paramref name="BankruptcyPrice"/> its
/// share of the shortfall is exactly its margin.
/// </summary>
public sealed record BankruptPerp(AssetId Asset, Amount Size, bool IsShort, decimal MarkPrice, decimal BankruptcyPrice);
