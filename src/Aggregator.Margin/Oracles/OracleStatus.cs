namespace Aggregator.Margin.Oracles;

/// <summary>Whether an asset's price can be trusted; anything but <see cref="Ok"/> freezes the asset.</summary>
public enum OracleStatus
{
    /// <summary>The median of fresh sources that agree within the deviation limit (or a fixed price).</summary>
    Ok,

    /// <summary>No source is fresh.</summary>
    Stale,

    /// <summary>Fresh sources are further apart than the deviation limit.</summary>
    Deviation,
}
