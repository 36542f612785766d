namespace Aggregator.Core.Positions;

/// <summary>
/// A perpetual futures position: <paramref name="Size"/> in units of the market's base asset, positive
/// long and negative short, opened at <paramref name="EntryPrice"/>, marked at <paramref name="MarkPrice"/>.
/// Sizes and prices are exact decimals (never binary floating point).
/// </summary>
public sealed record PerpPosition(string Market, decimal Size, decimal EntryPrice, decimal MarkPrice, decimal MaintenanceMarginRate)
{
    /// <summary>Unrealized profit or loss at the mark price: size · (mark − entry).</summary>
    public decimal UnrealizedPnl => Size * (MarkPrice - EntryPrice);

    /// <summary>Maintenance margin: |size| · mark · maintenanceMarginRate.</summary>
    public decimal MaintenanceMargin => Math.Abs(Size) * MarkPrice * MaintenanceMarginRate;
}
