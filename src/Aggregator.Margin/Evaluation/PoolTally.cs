namespace Aggregator.Margin.Evaluation;

/// <summary>
/// The rules of a pool's health, in the one place both the one-off <see cref="PoolEvaluator"/> and the
/// live book apply them, in fixed point (<see cref="FixedPoint"/>): what a collateral amount, a debt and a
/// perp add to the pool's values, when a frozen price freezes the pool (it holds or owes any of that
/// asset, on any chain, whatever its haircut), and the status ladder. The evaluator sums into an
/// instance; the book keeps the same sums per account, updated by the change of one term (exact, since
/// the products are), and applies the same static rules.
/// </summary>
internal struct PoolTally
{
    public QuoteValue CollateralValue;
    public QuoteValue Weighted;
    public QuoteValue BorrowBase;
    public QuoteValue DebtValue;
    public QuoteValue Pnl;
    public QuoteValue Maintenance;
    public bool Frozen;

    /// <summary>A frozen price freezes the pool when it holds any of the asset, or owes any.</summary>
    public static bool Freezes(UInt128 held, UInt128 owed, bool priceFrozen) => priceFrozen && (held != 0 || owed != 0);

    /// <summary>
    /// <paramref name="held"/> (10^-18 whole units) of an asset, of which <paramref name="kept"/> remain
    /// after the chains' haircuts (equal to <paramref name="held"/> without haircuts; 0 under a 100% haircut).
    /// </summary>
    public void AddCollateral(UInt128 held, UInt128 kept, in AssetPrices prices, bool frozen)
    {
        Frozen |= Freezes(held, 0, frozen);
        if (held != 0)
        {
            Weighted += QuoteValue.Product(kept, prices.Weight);
            CollateralValue += QuoteValue.Product(held, prices.Down);
            BorrowBase += QuoteValue.Product(kept, prices.BorrowWeight);
        }
    }

    public void AddDebt(UInt128 owed, in AssetPrices prices, bool frozen)
    {
        Frozen |= Freezes(0, owed, frozen);
        if (owed != 0)
        {
            DebtValue += QuoteValue.Product(owed, prices.Up);
        }
    }

    /// <summary>A perp marked at a price given down and up; <paramref name="frozen"/>: the price of the asset it follows is frozen, so its mark cannot be trusted.</summary>
    public void AddPerp(in PerpTerms perp, UInt128 markDown, UInt128 markUp, bool frozen)
    {
        Frozen |= frozen && perp.Size != 0;
        Pnl += perp.Pnl(markDown, markUp);
        Maintenance += perp.Maintenance(markUp);
    }

    /// <summary>Weighted collateral plus unrealized PnL: the numerator of the health factor.</summary>
    public readonly QuoteValue HealthWeighted => Weighted + Pnl;

    /// <summary>Debts plus perp maintenance: the denominator of the health factor.</summary>
    public readonly QuoteValue Requirement => DebtValue + Maintenance;

    public readonly decimal? HealthFactor => HealthFormula.HealthFactor(HealthWeighted, Requirement);

    /// <summary>The status from the pool's sums, the warning level given in 10^-9.</summary>
    public readonly MarginStatus Status(ulong warningThreshold)
    {
        var weighted = HealthWeighted;
        var requirement = Requirement;
        return HealthFormula.Status(Frozen, insolvent: (CollateralValue + Pnl - DebtValue).IsNegative, nothingRequired: requirement <= QuoteValue.Zero,
            belowOne: weighted < requirement, belowWarning: !HealthFormula.AtOrAbove(weighted, requirement, warningThreshold));
    }

    public readonly decimal BorrowingPower(MarginStatus status)
    {
        var power = BorrowBase + Pnl - Requirement;
        return status == MarginStatus.Frozen || power.IsNegative ? 0 : power.ToDecimal();
    }
}

/// <summary>
/// An asset's price in fixed point, each figure rounded for the side it serves: <see cref="Down"/> values
/// collateral, <see cref="Up"/> values debt, <see cref="Weight"/> (price · liquidation threshold) weighs
/// collateral for health, <see cref="BorrowWeight"/> (price · ltv) for borrowing power; all at 10^-18
/// quote per whole unit.
/// </summary>
internal readonly record struct AssetPrices(UInt128 Down, UInt128 Up, UInt128 Weight, UInt128 BorrowWeight)
{
    public static AssetPrices From(decimal price, decimal liquidationThreshold, decimal ltv)
    {
        var down = FixedPoint.FromDecimal(price, up: false);
        return new AssetPrices(down, FixedPoint.FromDecimal(price, up: true),
            FixedPoint.TimesFraction(down, FixedPoint.Fraction(liquidationThreshold)), FixedPoint.TimesFraction(down, FixedPoint.Fraction(ltv)));
    }
}

/// <summary>
/// A perp in fixed point: size in 10^-18 whole units (negative: short) rounded away from zero, entry price
/// rounded against the holder (up for a long, down for a short), maintenance rate rounded up.
/// </summary>
internal readonly record struct PerpTerms(Int128 Size, Int128 Entry, ulong Rate)
{
    public static PerpTerms From(decimal size, decimal entryPrice, decimal maintenanceRate)
    {
        var fixedSize = FixedPoint.Signed(size, up: size > 0);
        return new PerpTerms(fixedSize, FixedPoint.Signed(entryPrice, up: size > 0), FixedPoint.Rate(maintenanceRate));
    }

    /// <summary>size · (mark − entry), a long marked at the price rounded down, a short at the price rounded up.</summary>
    public QuoteValue Pnl(UInt128 markDown, UInt128 markUp) =>
        Size == 0 ? QuoteValue.Zero : QuoteValue.Product(Size, (Int128)(Size > 0 ? markDown : markUp) - Entry);

    /// <summary>|size| · mark · rate, rounded up.</summary>
    public QuoteValue Maintenance(UInt128 markUp) =>
        Size == 0 ? QuoteValue.Zero : QuoteValue.Product((UInt128)Int128.Abs(Size), markUp).TimesFraction(Rate, up: true);
}
