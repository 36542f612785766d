using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Positions;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Stress;

/// <summary>
/// Cascade simulation: shock prices, liquidate every liquidatable pool by its plan, let each sale move its
/// asset's price by the linear impact, re-price and repeat until a round liquidates nothing. Debt
/// positions are liquidated (their collateral sales are what move prices); perps are re-marked with
/// their asset ("ETH-PERP" follows ETH) but not closed.
/// </summary>
public static class StressTest
{
    public static StressReport Run(IReadOnlyList<MarginAccount> accounts, MarketState market, StressSettings settings)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(settings);
        var prices = market.Assets.ToDictionary(a => a.Id, a => a.Price);
        foreach (var (asset, shock) in settings.Shocks)
        {
            var price = market[asset].Price;
            // Compared before multiplying: a shock decimal can hold may take a price past what it can.
            if (price > 0 && shock > (Live.CrossMarginBook.MaxPrice / price) - 1)
            {
                throw new Core.Errors.InputException($"a shock of {shock} takes {asset}'s price of {price} above the largest price valued, {Live.CrossMarginBook.MaxPrice}", field: "shocks");
            }
            prices[asset] = Math.Max(0, price * (1 + shock));
        }
        var shocked = new Dictionary<AssetId, decimal>(prices);
        var pools = accounts
            .SelectMany(a => a.Isolated.Select(i => (Name: $"{a.Id}/{i.Id}", Pool: i.Positions)).Prepend((Name: a.Id, Pool: a.Cross)))
            .ToArray();
        var fund = new BadDebt.InsuranceFund(settings.Fund, settings.FundShare);
        var credited = new Dictionary<AssetId, decimal>();

        var rounds = new List<StressRound>();
        var totalSold = new Dictionary<AssetId, decimal>();
        var totalRepaid = new Dictionary<AssetId, decimal>();
        var converged = false;
        while (rounds.Count < settings.MaxRounds)
        {
            var current = market.WithPrices(prices);
            var sold = new Dictionary<AssetId, decimal>();
            var repaid = new Dictionary<AssetId, decimal>();
            var liquidations = 0;
            for (var i = 0; i < pools.Length; i++)
            {
                var pool = Remark(pools[i].Pool, prices, market);
                var health = PoolEvaluator.Evaluate(pool, current, isolated: false);
                // A liquidator repays only against collateral it can seize; what is left is bad debt.
                if (health.Liquidation is not { DebtAsset: { } debtAsset, DebtToCover: { } cover, CollateralAsset: { } collateralAsset, CollateralToSeize: { } seized } plan
                    || cover.BaseUnits.IsZero || seized.BaseUnits.IsZero)
                {
                    continue;
                }
                pools[i].Pool = Apply(pools[i].Pool, plan, cover.BaseUnits, seized.BaseUnits);
                liquidations++;
                Add(repaid, debtAsset, PoolEvaluator.WholeUnits(cover.BaseUnits, current[debtAsset]));
                var seizedUnits = PoolEvaluator.WholeUnits(seized.BaseUnits, current[collateralAsset]);
                Add(sold, collateralAsset, seizedUnits);
                Add(credited, collateralAsset, fund.CreditLiquidation(collateralAsset, seizedUnits, current[collateralAsset].LiquidationBonus));
            }
            if (liquidations == 0)
            {
                converged = true;
                break;
            }
            foreach (var (asset, units) in sold)
            {
                var impact = settings.Impacts.TryGetValue(asset, out var perUnit) ? perUnit : 0;
                prices[asset] = Math.Max(0, prices[asset] * (1 - impact * units));
                Add(totalSold, asset, units);
            }
            foreach (var (asset, units) in repaid)
            {
                Add(totalRepaid, asset, units);
            }
            rounds.Add(new StressRound(rounds.Count + 1, liquidations, sold, repaid, new Dictionary<AssetId, decimal>(prices)));
        }

        var final = market.WithPrices(prices);
        decimal badDebt = 0;
        var insolvent = new List<string>();
        var shortfalls = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var deficit = new Dictionary<AssetId, decimal>();
        foreach (var (name, pool) in pools)
        {
            var health = PoolEvaluator.Evaluate(Remark(pool, prices, market), final, isolated: false);
            var net = health.CollateralValue + health.UnrealizedPnl - health.DebtValue;
            if (net < 0)
            {
                badDebt -= net;
                insolvent.Add(name);
                shortfalls[name] = -net;
            }
            // Aave v3.3: debt left once no collateral is, is a deficit of its asset.
            if (pool.Collateral.All(c => c.Amount.BaseUnits.IsZero))
            {
                foreach (var debt in pool.Debts.Where(d => !d.Amount.BaseUnits.IsZero))
                {
                    Add(deficit, debt.Asset, PoolEvaluator.WholeUnits(debt.Amount.BaseUnits, final[debt.Asset]));
                }
            }
        }
        var start = new Dictionary<AssetId, decimal>(settings.Fund);
        var drawn = new Dictionary<AssetId, decimal>();
        var left = new Dictionary<AssetId, decimal>();
        foreach (var (asset, owed) in deficit.OrderBy(d => d.Key.Symbol, StringComparer.Ordinal))
        {
            var (fromFund, uncovered) = fund.Cover(asset, owed);
            Add(drawn, asset, fromFund);
            Add(left, asset, uncovered);
        }
        var perps = Deleverage(pools, prices, market, final, settings.PerpSettlement, fund, drawn);
        return new StressReport(shocked, rounds, totalSold, totalRepaid, badDebt, insolvent, converged)
        {
            Fund = new FundMovement(start, credited, drawn, new Dictionary<AssetId, decimal>(fund.Balances)),
            Deficit = deficit,
            DeficitLeft = left,
            BadDebtByPool = shortfalls,
            PerpShortfall = perps.Shortfall,
            PerpShortfallLeft = perps.Left,
            Deleveraged = perps.Reductions,
        };
    }

    // After the debts' deficits: each insolvent pool's perp shortfall (the part of its negative equity its
    // perp losses make, beyond what its debts' deficit already counts), in pool order. The fund covers it
    // from its balance of the settlement asset; the rest is closed against opposite positions (ADL).
    private static (decimal Shortfall, decimal Left, IReadOnlyList<BadDebt.AutoDeleveraging.Reduction> Reductions) Deleverage(
        (string Name, MarginPositions Pool)[] pools, Dictionary<AssetId, decimal> prices, MarketState start, MarketState final,
        AssetId? settlement, BadDebt.InsuranceFund fund, Dictionary<AssetId, decimal> drawn)
    {
        var evaluated = pools.Select(p =>
        {
            var pool = Remark(p.Pool, prices, start);
            var health = PoolEvaluator.Evaluate(pool, final, isolated: false);
            return (p.Name, Pool: pool, Equity: health.CollateralValue + health.UnrealizedPnl - health.DebtValue, health.UnrealizedPnl, health.DebtValue);
        }).ToArray();
        var candidates = evaluated.Where(p => p.Equity > 0)
            .SelectMany(p => p.Pool.Perps.Select(perp => new BadDebt.AutoDeleveraging.Candidate(p.Name, perp, p.Equity))).ToArray();
        var remaining = new Dictionary<BadDebt.AutoDeleveraging.Candidate, decimal>(ReferenceEqualityComparer.Instance);
        var reductions = new List<BadDebt.AutoDeleveraging.Reduction>();
        decimal total = 0, left = 0;
        var settlementPrice = settlement is { } s && final.Contains(s) ? final[s].Price : 0;
        foreach (var (name, pool, equity, pnl, debtValue) in evaluated)
        {
            // Once the collateral is gone the debts are a deficit of their own assets: the perps answer for the rest.
            var debtDeficit = pool.Collateral.All(c => c.Amount.BaseUnits.IsZero) ? debtValue : 0;
            var shortfall = BadDebt.AutoDeleveraging.PerpShortfall(pnl, equity, debtDeficit);
            if (shortfall <= 0)
            {
                continue;
            }
            total += shortfall;
            decimal covered = 0;
            if (settlementPrice > 0)
            {
                var (units, _) = fund.Cover(settlement!.Value, shortfall / settlementPrice);
                Add(drawn, settlement.Value, units);
                covered = units * settlementPrice;
            }
            foreach (var bankrupt in BadDebt.AutoDeleveraging.Shortfalls(name, pool.Perps, shortfall, covered))
            {
                var (closed, unfilled) = BadDebt.AutoDeleveraging.Close(bankrupt, candidates, remaining);
                reductions.AddRange(closed);
                // What no counterparty took stays a loss: the bankrupt perp's share at its bankruptcy price.
                left += unfilled * Math.Abs(bankrupt.BankruptcyPrice - bankrupt.MarkPrice);
            }
        }
        return (total, left, reductions);
    }

    private static MarginPositions Apply(MarginPositions pool, Liquidation.LiquidationPlan plan, BigInteger cover, BigInteger seized)
    {
        var debts = pool.Debts.ToList();
        var d = debts.FindIndex(x => x.Asset == plan.DebtAsset);
        debts[d] = debts[d] with { Amount = new Amount(debts[d].Amount.BaseUnits - cover, debts[d].Amount.Decimals) };
        var collateral = pool.Collateral.ToList();
        var c = collateral.FindIndex(x => x.Chain == plan.CollateralChain && x.Asset == plan.CollateralAsset);
        collateral[c] = collateral[c] with { Amount = new Amount(collateral[c].Amount.BaseUnits - seized, collateral[c].Amount.Decimals) };
        return pool with { Debts = debts, Collateral = collateral };
    }

    // Perps follow their asset: "ETH-PERP" is re-marked by ETH's move from its starting price.
    private static MarginPositions Remark(MarginPositions pool, Dictionary<AssetId, decimal> prices, MarketState start)
    {
        if (pool.Perps.Count == 0)
        {
            return pool;
        }
        return pool with
        {
            Perps = pool.Perps.Select(p => RiskSensitivity.PerpAsset(p, start) is { } asset && start[asset].Price > 0
                ? p with { MarkPrice = p.MarkPrice * prices[asset] / start[asset].Price }
                : p).ToArray(),
        };
    }

    private static void Add(Dictionary<AssetId, decimal> totals, AssetId asset, decimal amount) =>
        totals[asset] = totals.TryGetValue(asset, out var existing) ? existing + amount : amount;
}
