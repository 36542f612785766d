using Aggregator.Core.Errors;
using Aggregator.Margin.Backtest;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Tests.Markets;

/// <summary>
/// The backtest of thresholds: seeded paths repeat, a flat history gives every method the static threshold,
/// a crash after it liquidates and leaves bad debt alike for all three, and bad series are refused by line.
/// </summary>
public class MarginBacktestTests
{
    [Fact]
    public void A_seed_gives_one_path_always_and_another_seed_another()
    {
        Assert.Equal(PricePaths.RegimeSwitchingWithJumps(3, 200), PricePaths.RegimeSwitchingWithJumps(3, 200));
        Assert.NotEqual(PricePaths.RegimeSwitchingWithJumps(3, 200), PricePaths.RegimeSwitchingWithJumps(4, 200));
        Assert.All(PricePaths.RegimeSwitchingWithJumps(3, 2000), p => Assert.True(p > 0));
    }

    [Fact]
    public void After_a_flat_window_a_halving_is_met_with_the_static_threshold_by_every_method()
    {
        // 61 days at 2,000, then 1,000: every method's window never moved, so each uses LT 0.825; a borrower
        // started at HF h (1.2 to 2.0 at 2,000) is at h/2 < 1 and liquidated, and below h = 1.7325 its ETH
        // (held · 1,000 / 1.05 repaid) no longer covers its debt (held · 1,650 / h): bad debt.
        decimal[] path = [.. Enumerable.Repeat(2_000m, 61), 1_000m];
        var result = MarginBacktest.Run([path], new MarginBacktest.Settings(Accounts: 200));
        var byMethod = result.Methods.ToDictionary(m => m.Method);
        Assert.Equal(byMethod[VolatilityModel.Static] with { Method = VolatilityModel.Garch }, byMethod[VolatilityModel.Garch]);
        Assert.Equal(byMethod[VolatilityModel.Static] with { Method = VolatilityModel.Ewma }, byMethod[VolatilityModel.Ewma]);
        Assert.InRange(byMethod[VolatilityModel.Static].Liquidations, 190, 200); // all but those started at exactly 2.0
        Assert.True(byMethod[VolatilityModel.Static].BadDebt > 0);
        Assert.Equal(1 / 0.825m, byMethod[VolatilityModel.Static].CapitalLocked);
    }

    [Fact]
    public void Thresholds_that_see_volatility_liquidate_earlier_and_leave_less_bad_debt_on_the_synthetic_paths()
    {
        var paths = Enumerable.Range(500, 6).Select(seed => PricePaths.RegimeSwitchingWithJumps(seed, 400)).ToArray();
        var result = MarginBacktest.Run(paths, new MarginBacktest.Settings(Accounts: 300)).Methods.ToDictionary(m => m.Method);
        Assert.True(result[VolatilityModel.Ewma].CapitalLocked > result[VolatilityModel.Static].CapitalLocked);
        Assert.True(result[VolatilityModel.Ewma].BadDebt <= result[VolatilityModel.Static].BadDebt);
        Assert.True(result[VolatilityModel.Garch].BadDebt <= result[VolatilityModel.Static].BadDebt);
    }

    [Fact]
    public void A_series_with_a_bad_price_or_too_short_for_the_window_is_refused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"series-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(file, "date,price\n2024-01-01,2000\n2024-01-02,-5\n");
            var error = Assert.Throws<InputException>(() => PricePaths.ReadCsv(file));
            Assert.Equal(3, error.Line);
            File.WriteAllText(file, "2000\n2100\n2050\n");
            Assert.Contains("more than 61 prices", Assert.Throws<InputException>(() => MarginBacktest.Run([PricePaths.ReadCsv(file)], new MarginBacktest.Settings())).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
