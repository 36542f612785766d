namespace Aggregator.Margin.Evaluation;

/// <summary>A pool's status: the first that applies, in this order.</summary>
public enum MarginStatus
{
    /// <summary>It depends on a price that is stale or out of band: no liquidation, no new borrowing.</summary>
    Frozen,

    /// <summary>Collateral value plus unrealized PnL is below debt value: bad debt.</summary>
    Insolvent,

    /// <summary>Health factor below 1.</summary>
    Liquidatable,

    /// <summary>Health factor below the warning level (1.1 by default).</summary>
    MarginCall,

    /// <summary>None of the above, or nothing required of it.</summary>
    Healthy,
}
