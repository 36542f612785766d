using Aggregator.Core.Errors;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Backtest;

/// <summary>
/// Static, EWMA and GARCH thresholds on the same book over the same price paths (docs/margin.md,
/// "Backtest"). A book of borrowers holds the path's asset against a stable debt; each day the threshold
/// is set from the prices before it (never the day's own), then the day's price liquidates every borrower
/// below a health factor of 1, in full, at that price with the bonus, and what the seized collateral
/// cannot repay is bad debt. Capital locked is the collateral a unit of debt requires at the day's
/// threshold (1 / threshold), averaged over the days; the method's cost is its bad debt plus a carry on
/// the collateral it requires beyond the static threshold's, on the debts open each day.
/// </summary>
public static class MarginBacktest
{
    public sealed record Settings(
        decimal LiquidationThreshold = 0.825m, decimal LiquidationThresholdMin = 0.6m, decimal VolatilityMultiplier = 1m,
        decimal Bonus = 0.05m, int Window = 60, int Accounts = 1_000, int BookSeed = 7, decimal CarryPerYear = 0.05m);

    /// <summary>One method's results over every path: liquidations, bad debt (quote currency), capital locked (collateral per unit of debt, averaged over the days), and the cost the default is chosen by.</summary>
    public sealed record MethodResult(VolatilityModel Method, int Liquidations, decimal BadDebt, decimal CapitalLocked, decimal Cost);

    public sealed record Result(IReadOnlyList<MethodResult> Methods, VolatilityModel Default, int Paths, int Days);

    /// <exception cref="InputException">A path shorter than the window and a day, or no path.</exception>
    public static Result Run(IReadOnlyList<decimal[]> paths, Settings settings)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(settings);
        if (paths.Count == 0 || paths.Any(p => p.Length <= settings.Window + 1))
        {
            throw new InputException($"every path needs more than {settings.Window + 1} prices (the window and a day)", field: "paths");
        }
        VolatilityModel[] methods = [VolatilityModel.Static, VolatilityModel.Ewma, VolatilityModel.Garch];
        var results = new MethodResult[methods.Length];
        Parallel.For(0, methods.Length, m =>
        {
            int liquidations = 0, days = 0;
            decimal badDebt = 0, locked = 0, extra = 0;
            foreach (var path in paths)
            {
                var run = RunPath(path, methods[m], settings);
                (liquidations, badDebt, locked, extra, days) = (liquidations + run.Liquidations, badDebt + run.BadDebt, locked + run.Locked, extra + run.Extra, days + run.Days);
            }
            // The cost a method is chosen by: its bad debt, and a carry on the collateral it locks beyond the static threshold's.
            results[m] = new MethodResult(methods[m], liquidations, badDebt, locked / days, badDebt + (extra * settings.CarryPerYear / 365m));
        });
        return new Result(results, results.MinBy(r => r.Cost)!.Method, paths.Count, paths.Sum(p => p.Length));
    }

    private static (int Liquidations, decimal BadDebt, decimal Locked, decimal Extra, int Days) RunPath(decimal[] prices, VolatilityModel method, Settings settings)
    {
        var (held, owed) = Book(prices[0], settings);
        var open = Enumerable.Repeat(true, held.Length).ToArray();
        int liquidations = 0, days = 0;
        decimal badDebt = 0, locked = 0, extra = 0;
        for (var t = settings.Window; t < prices.Length; t++)
        {
            var threshold = Threshold(prices[(t - settings.Window)..t], method, settings);
            var price = prices[t];
            decimal openDebt = 0;
            for (var i = 0; i < held.Length; i++)
            {
                if (!open[i])
                {
                    continue;
                }
                if (held[i] * price * threshold < owed[i])
                {
                    var seized = Math.Min(held[i], owed[i] * (1 + settings.Bonus) / price);
                    badDebt += Math.Max(0, owed[i] - (seized * price / (1 + settings.Bonus)));
                    open[i] = false;
                    liquidations++;
                    continue;
                }
                openDebt += owed[i];
            }
            locked += 1 / threshold;
            extra += openDebt * ((1 / threshold) - (1 / settings.LiquidationThreshold));
            days++;
        }
        return (liquidations, badDebt, locked, extra, days);
    }

    // The threshold set from the prices before the day: the engine's rules for each method.
    private static decimal Threshold(decimal[] history, VolatilityModel method, Settings settings) =>
        MarketState.DynamicThreshold(method, history, settings.LiquidationThreshold, settings.LiquidationThresholdMin, settings.VolatilityMultiplier, EwmaVolatility.DefaultLambda).EffectiveLt;

    // Borrowers holding 1 to 10 units against a debt that starts them at a health factor of 1.2 to 2.0 (static threshold).
    private static (decimal[] Held, decimal[] Owed) Book(decimal startPrice, Settings settings)
    {
        var random = new Random(settings.BookSeed);
        var held = new decimal[settings.Accounts];
        var owed = new decimal[settings.Accounts];
        for (var i = 0; i < held.Length; i++)
        {
            held[i] = 1 + (random.Next(901) / 100m);
            owed[i] = decimal.Round(held[i] * startPrice * settings.LiquidationThreshold / (1.2m + (random.Next(81) / 100m)), 2);
        }
        return (held, owed);
    }
}
