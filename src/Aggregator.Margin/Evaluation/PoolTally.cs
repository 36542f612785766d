using Aggregator.Core.Positions;

namespace Aggregator.Margin.Evaluation;

/// <summary>
/// The rules of a pool's health, in the one place both the one-off <see cref="PoolEvaluator"/> and the
/// live book apply them: what a collateral amount, a debt and a perp add to the pool's values, when a
/// frozen price freezes the pool (it holds or owes any of that asset, on any chain, whatever its
/// haircut), when the full collateral value is needed, and the status ladder. The evaluator sums into
/// an instance; the book's hot loop sums into locals (a struct of seven decimals costs it a third of
/// its time, measured) and applies the same static rules.
/// </summary>
internal struct PoolTally
{
    public decimal CollateralValue;
    public decimal Weighted;
    public decimal BorrowBase;
    public decimal DebtValue;
    public decimal Pnl;
    public decimal Maintenance;
    public bool Frozen;

    /// <summary>A frozen price freezes the pool when it holds any of the asset, or owes any.</summary>
    public static bool Freezes(decimal held, decimal owed, bool priceFrozen) => priceFrozen && (held != 0 || owed != 0);

    /// <summary>
    /// Whether the status needs the full collateral value. Weighted collateral never exceeds it (LT and
    /// 1 − haircut are at most 1), so while weighted collateral plus PnL covers the debts the pool cannot
    /// be insolvent, and weighted collateral stands in for the value.
    /// </summary>
    public static bool NeedsCollateralValue(decimal healthWeighted, decimal debtValue) => healthWeighted < debtValue;

    /// <summary>The status from the pool's sums (<paramref name="collateralValue"/> may be the weighted bound, above).</summary>
    public static MarginStatus Status(bool frozen, decimal collateralValue, decimal healthWeighted, decimal pnl, decimal debtValue, decimal requirement, decimal warningHealthFactor) =>
        HealthFormula.Status(frozen, collateralValue + pnl - debtValue, healthWeighted, requirement, warningHealthFactor);

    /// <summary>
    /// <paramref name="held"/> whole units of an asset, of which <paramref name="kept"/> remain after the
    /// chains' haircuts (equal to <paramref name="held"/> without haircuts; 0 under a 100% haircut).
    /// </summary>
    public void AddCollateral(decimal held, decimal kept, decimal price, decimal liquidationThreshold, decimal ltv, bool frozen)
    {
        Frozen |= Freezes(held, 0, frozen);
        if (held != 0)
        {
            Weighted += kept * (price * liquidationThreshold); // grouped as the book's per-asset weight, to the last digit
            CollateralValue += held * price;
            BorrowBase += kept * price * ltv;
        }
    }

    public void AddDebt(decimal owed, decimal price, bool frozen)
    {
        Frozen |= Freezes(0, owed, frozen);
        if (owed != 0)
        {
            DebtValue += owed * price;
        }
    }

    /// <summary>A perp; <paramref name="frozen"/>: the price of the asset it follows is frozen, so its mark cannot be trusted.</summary>
    public void AddPerp(PerpPosition perp, bool frozen)
    {
        Frozen |= frozen && perp.Size != 0;
        Pnl += perp.UnrealizedPnl;
        Maintenance += perp.MaintenanceMargin;
    }

    /// <summary>Weighted collateral plus unrealized PnL: the numerator of the health factor.</summary>
    public readonly decimal HealthWeighted => Weighted + Pnl;

    /// <summary>Debts plus perp maintenance: the denominator of the health factor.</summary>
    public readonly decimal Requirement => DebtValue + Maintenance;

    public readonly decimal? HealthFactor => HealthFormula.HealthFactor(HealthWeighted, Requirement);

    public readonly MarginStatus Status(decimal warningHealthFactor) =>
        Status(Frozen, CollateralValue, HealthWeighted, Pnl, DebtValue, Requirement, warningHealthFactor);

    public readonly decimal BorrowingPower(MarginStatus status) =>
        status == MarginStatus.Frozen ? 0 : Math.Max(0, BorrowBase + Pnl - Requirement);
}
