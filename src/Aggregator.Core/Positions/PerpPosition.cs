namespace Aggregator.Core.Positions;

/// <summary>
/// A perpetual futures position: <paramref name="Size"/> in units of the market's base asset, positive
/// long and negative short, opened at <paramref name="EntryPrice"/>, marked at <paramref name="MarkPrice"/>.
/// Sizes and prices are exact decimals (never binary floating point).
/// </summary>
public sealed record PerpPosition(string Market, decimal Size, decimal EntryPrice, decimal MarkPrice, decimal MaintenanceMarginRate)
{
    /// <summary>Unrealized profit or loss at the mark price: size · (mark − entry).</summary>
    public decimal UnrealizedPnl => PnlAt(Size, EntryPrice, MarkPrice);

    /// <summary>Maintenance margin: |size| · mark · maintenanceMarginRate.</summary>
    public decimal MaintenanceMargin => MaintenanceAt(Size, MarkPrice, MaintenanceMarginRate);

    /// <summary>The unrealized PnL of a position of <paramref name="size"/> opened at <paramref name="entry"/>, marked at <paramref name="mark"/> (for a book that keeps positions as numbers).</summary>
    public static decimal PnlAt(decimal size, decimal entry, decimal mark) => size * (mark - entry);

    /// <summary>The maintenance margin of a position of <paramref name="size"/> marked at <paramref name="mark"/>.</summary>
    public static decimal MaintenanceAt(decimal size, decimal mark, decimal rate) => Math.Abs(size) * mark * rate;
}
