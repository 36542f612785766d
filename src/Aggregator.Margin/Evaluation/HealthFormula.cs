namespace Aggregator.Margin.Evaluation;

/// <summary>
/// The formulas every evaluation shares, from a one-off report to the live book (docs/margin.md):
/// health factor = weighted collateral / requirement, and the status ladder.
/// </summary>
internal static class HealthFormula
{
    /// <summary>weighted / requirement, or null when nothing is required (never liquidatable).</summary>
    public static decimal? HealthFactor(decimal weighted, decimal requirement) =>
        requirement > 0 ? weighted / requirement : null;

    /// <summary>
    /// The first status that applies: frozen, insolvent (net value below 0), liquidatable (HF &lt; 1),
    /// margin call (HF below the warning level), healthy. Compares weighted collateral with the
    /// requirement instead of dividing, so hot paths need no division.
    /// </summary>
    public static MarginStatus Status(bool frozen, decimal netValue, decimal weighted, decimal requirement, decimal warningHealthFactor)
    {
        if (frozen)
        {
            return MarginStatus.Frozen;
        }
        if (netValue < 0)
        {
            return MarginStatus.Insolvent;
        }
        if (requirement <= 0)
        {
            return MarginStatus.Healthy;
        }
        if (weighted < requirement)
        {
            return MarginStatus.Liquidatable;
        }
        return weighted < warningHealthFactor * requirement ? MarginStatus.MarginCall : MarginStatus.Healthy;
    }

    /// <summary>Aave v3's close factor: half the debt, or all of it below a health factor of 0.95.</summary>
    public static decimal CloseFactor(decimal? healthFactor) => healthFactor < 0.95m ? 1m : 0.5m;
}
