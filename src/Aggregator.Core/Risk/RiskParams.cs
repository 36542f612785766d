namespace Aggregator.Core.Risk;

/// <summary>
/// An asset's risk parameters, as fractions: loan-to-value for borrowing, the liquidation threshold
/// (LT) for health, and the liquidator's bonus on seized collateral. 0 &lt;= ltv &lt;= LT &lt;= 1, bonus &gt;= 0.
/// </summary>
public sealed record RiskParams
{
    /// <summary>Validates and creates risk parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    public RiskParams(decimal ltv, decimal liquidationThreshold, decimal liquidationBonus)
    {
        if (liquidationThreshold is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(liquidationThreshold), liquidationThreshold, "the liquidation threshold must be between 0 and 1");
        }
        if (ltv < 0 || ltv > liquidationThreshold)
        {
            throw new ArgumentOutOfRangeException(nameof(ltv), ltv, $"ltv must be between 0 and the liquidation threshold {liquidationThreshold}");
        }
        if (liquidationBonus is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(liquidationBonus), liquidationBonus, "the liquidation bonus must be between 0 and 1");
        }
        Ltv = ltv;
        LiquidationThreshold = liquidationThreshold;
        LiquidationBonus = liquidationBonus;
    }

    /// <summary>Loan-to-value: the fraction of collateral value that may be borrowed against.</summary>
    public decimal Ltv { get; }

    /// <summary>The fraction of collateral value that counts toward health.</summary>
    public decimal LiquidationThreshold { get; }

    /// <summary>The liquidator's bonus on seized collateral (0.05 = 5%).</summary>
    public decimal LiquidationBonus { get; }
}
