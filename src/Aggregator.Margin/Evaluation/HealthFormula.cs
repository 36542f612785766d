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

    /// <summary>The same, of fixed-point sums: the quotient of their decimals (a figure to report; decisions compare the sums).</summary>
    public static decimal? HealthFactor(QuoteValue weighted, QuoteValue requirement) =>
        requirement > QuoteValue.Zero ? QuoteValue.Ratio(weighted, requirement) : null;

    /// <summary>
    /// The status ladder, the first that applies: frozen, insolvent (net value below 0), healthy when
    /// nothing is required, liquidatable (HF &lt; 1), margin call (HF below the warning level), healthy.
    /// Callers decide each rung exactly on their sums (<see cref="AtOrAbove"/>, never a division).
    /// </summary>
    public static MarginStatus Status(bool frozen, bool insolvent, bool nothingRequired, bool belowOne, bool belowWarning) =>
        frozen ? MarginStatus.Frozen
        : insolvent ? MarginStatus.Insolvent
        : nothingRequired ? MarginStatus.Healthy
        : belowOne ? MarginStatus.Liquidatable
        : belowWarning ? MarginStatus.MarginCall
        : MarginStatus.Healthy;

    /// <summary>Whether weighted / requirement ≥ a threshold given in 10^-9, for a positive requirement, without dividing.</summary>
    public static bool AtOrAbove(QuoteValue weighted, QuoteValue requirement, ulong threshold) =>
        weighted.Times(FixedPoint.OneNano) >= requirement.Times(threshold);

    /// <summary>Aave v3's close factor: half the debt, or all of it below a health factor of 0.95.</summary>
    public static decimal CloseFactor(decimal? healthFactor) => healthFactor < 0.95m ? 1m : 0.5m;
}
