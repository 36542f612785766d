using Aggregator.Core.Positions;

namespace Aggregator.Margin.Evaluation;

/// <summary>
/// The rules of a pool's health, in the one place both the one-off <see cref="PoolEvaluator"/> and the
/// live book apply them: what a collateral amount, a debt and a perp add to the pool's values, when a
/// frozen price freezes the pool (it holds or owes any of that asset, on any chain, whatever its
/// haircut), and the status ladder. A struct, so the live book's hot loop allocates nothing.
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

    /// <summary>
    /// <paramref name="held"/> whole units of an asset, of which <paramref name="kept"/> remain after the
    /// chains' haircuts (equal to <paramref name="held"/> without haircuts; 0 under a 100% haircut).
    /// </summary>
    public void AddCollateral(decimal held, decimal kept, decimal price, decimal liquidationThreshold, decimal ltv, bool frozen)
    {
        AddHealthWeight(held, kept, price * liquidationThreshold, frozen);
        if (held != 0)
        {
            AddCollateralValue(held, price);
            BorrowBase += kept * price * ltv;
        }
    }

    /// <summary>
    /// What a collateral amount adds to health alone (the live book's hot path): weighted value and the
    /// frozen rule. <paramref name="weight"/> is price · liquidation threshold, which the book keeps per
    /// asset (one decimal product per asset instead of two: they cost 36–70 ns each).
    /// </summary>
    public void AddHealthWeight(decimal held, decimal kept, decimal weight, bool frozen)
    {
        if (held == 0)
        {
            return;
        }
        Weighted += kept * weight;
        Frozen |= frozen;
    }

    public void AddCollateralValue(decimal held, decimal price) => CollateralValue += held * price;

    /// <summary>
    /// Whether the status needs the full collateral value. Weighted collateral never exceeds it (LT and
    /// 1 − haircut are at most 1), so while weighted collateral plus PnL covers the debts the pool cannot
    /// be insolvent, and weighted collateral stands in for the value (<see cref="UseWeightedAsValueBound"/>).
    /// </summary>
    public readonly bool NeedsCollateralValue => HealthWeighted < DebtValue;

    public void UseWeightedAsValueBound() => CollateralValue = Weighted;

    public void AddDebt(decimal owed, decimal price, bool frozen)
    {
        if (owed == 0)
        {
            return;
        }
        DebtValue += owed * price;
        Frozen |= frozen;
    }

    public void AddPerp(PerpPosition perp)
    {
        Pnl += perp.UnrealizedPnl;
        Maintenance += perp.MaintenanceMargin;
    }

    /// <summary>Weighted collateral plus unrealized PnL: the numerator of the health factor.</summary>
    public readonly decimal HealthWeighted => Weighted + Pnl;

    /// <summary>Debts plus perp maintenance: the denominator of the health factor.</summary>
    public readonly decimal Requirement => DebtValue + Maintenance;

    public readonly decimal? HealthFactor => HealthFormula.HealthFactor(HealthWeighted, Requirement);

    public readonly MarginStatus Status(decimal warningHealthFactor) =>
        HealthFormula.Status(Frozen, CollateralValue + Pnl - DebtValue, HealthWeighted, Requirement, warningHealthFactor);

    public readonly decimal BorrowingPower(MarginStatus status) =>
        status == MarginStatus.Frozen ? 0 : Math.Max(0, BorrowBase + Pnl - Requirement);
}
