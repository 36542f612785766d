using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// A proposed order (never executed here): <paramref name="Side"/> "buy" or "sell" <paramref name="Size"/>
/// whole units of <paramref name="Asset"/> by <paramref name="Instrument"/> ("perp" or "spot") at the
/// oracle price, its notional and cost, and the net value before and after it.
/// </summary>
public sealed record HedgeOrder(AssetId Asset, string Instrument, string Side, decimal Size, decimal Price, decimal Notional, decimal Cost, decimal NetValueBefore, decimal NetValueAfter);
