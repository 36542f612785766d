using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Margin.Stress;

namespace Aggregator.Margin.Tests.Stress;

/// <summary>
/// Correlated shocks (a Cholesky factor, seeded) and the Monte Carlo over the cascade: the draws have the
/// covariance asked for, a seed repeats exactly on any number of cores, bad input is refused by name, and
/// the statistics are the nearest-rank percentiles of the draws' bad debt.
/// </summary>
public class MonteCarloTests
{
    private static readonly AssetId Eth = new("ETH"), Btc = new("BTC");

    private static readonly double[,] Covariance = { { 0.0025, 0.0018 }, { 0.0018, 0.0016 } };

    [Fact]
    public void Draws_have_the_covariance_asked_for_in_their_log_returns()
    {
        var shocks = new CorrelatedShocks([Eth, Btc], Covariance);
        const int n = 20_000;
        var (sxx, syy, sxy) = (0.0, 0.0, 0.0);
        for (var d = 0; d < n; d++)
        {
            var draw = shocks.Draw(3, d);
            var (x, y) = (Math.Log(1 + (double)draw[Eth]), Math.Log(1 + (double)draw[Btc]));
            (sxx, syy, sxy) = (sxx + (x * x), syy + (y * y), sxy + (x * y));
        }
        // Within 3% of the matrix: the sampling error of 20,000 draws is about 1%.
        Assert.InRange(sxx / n, 0.0025 * 0.97, 0.0025 * 1.03);
        Assert.InRange(syy / n, 0.0016 * 0.97, 0.0016 * 1.03);
        Assert.InRange(sxy / n, 0.0018 * 0.97, 0.0018 * 1.03);
    }

    [Fact]
    public void A_seed_repeats_exactly_and_another_seed_does_not()
    {
        var shocks = new CorrelatedShocks([Eth, Btc], Covariance);
        Assert.Equal(shocks.Draw(42, 17), new CorrelatedShocks([Eth, Btc], Covariance).Draw(42, 17));
        Assert.NotEqual(shocks.Draw(42, 17)[Eth], shocks.Draw(43, 17)[Eth]);
        Assert.NotEqual(shocks.Draw(42, 17)[Eth], shocks.Draw(42, 18)[Eth]);
        var scenario = ScenarioFixtures.Example();
        var market = scenario.ResolveMarket();
        var settings = new StressSettings(new Dictionary<AssetId, decimal>(), new Dictionary<AssetId, decimal> { [Eth] = 0.001m });
        var first = MonteCarlo.Run(scenario.Accounts, market, shocks, settings, 300, 9);
        var second = MonteCarlo.Run(scenario.Accounts, market, shocks, settings, 300, 9);
        Assert.Equal((first.MeanBadDebt, first.BadDebt99, first.ProbabilityOfRuin), (second.MeanBadDebt, second.BadDebt99, second.ProbabilityOfRuin));
        Assert.Equal(first.TopContributors, second.TopContributors);
    }

    [Fact]
    public void Perfectly_correlated_assets_a_semi_definite_matrix_move_together()
    {
        var shocks = new CorrelatedShocks([Eth, Btc], new double[,] { { 0.0025, 0.0025 }, { 0.0025, 0.0025 } });
        var draw = shocks.Draw(1, 1);
        Assert.Equal((double)draw[Eth], (double)draw[Btc], 5);
    }

    [Theory]
    [InlineData(0.0025, 0.0030, 0.0016, "not positive semi-definite")] // |correlation| above 1
    [InlineData(0.0025, 0.0018, -0.0016, "not positive semi-definite")] // a negative variance
    public void A_matrix_no_distribution_has_is_refused(double a, double b, double c, string message) =>
        Assert.Contains(message, Assert.Throws<InputException>(() => new CorrelatedShocks([Eth, Btc], new double[,] { { a, b }, { b, c } })).Message, StringComparison.Ordinal);

    [Fact]
    public void An_asymmetric_or_misshapen_matrix_is_refused()
    {
        Assert.Contains("not symmetric", Assert.Throws<InputException>(() => new CorrelatedShocks([Eth, Btc], new double[,] { { 0.0025, 0.001 }, { 0.002, 0.0016 } })).Message, StringComparison.Ordinal);
        Assert.Contains("one row and one column per asset", Assert.Throws<InputException>(() => new CorrelatedShocks([Eth], Covariance)).Message, StringComparison.Ordinal);
        Assert.Contains("ETH is named twice", Assert.Throws<InputException>(() => new CorrelatedShocks([Eth, Eth], Covariance)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_volatility_every_draw_is_the_unshocked_cascade_and_every_statistic_its_bad_debt()
    {
        // dave (1 ETH against 2,500 USDC at ETH 2,000) is insolvent unshocked: the plan takes his ETH and
        // repays floor(2,000 / 1.05) = 1,904.761904, leaving 595.238096 of bad debt in every draw.
        var scenario = ScenarioFixtures.Example();
        var market = scenario.ResolveMarket();
        var still = new CorrelatedShocks([Eth, Btc], new double[,] { { 0, 0 }, { 0, 0 } });
        var settings = new StressSettings(new Dictionary<AssetId, decimal>(), new Dictionary<AssetId, decimal>());
        var unshocked = StressTest.Run(scenario.Accounts, market, settings);
        var report = MonteCarlo.Run(scenario.Accounts, market, still, settings, 50, 1);
        Assert.Equal(unshocked.BadDebt, report.BadDebt95);
        Assert.Equal(unshocked.BadDebt, report.BadDebt99);
        Assert.Equal(unshocked.BadDebt, report.ExpectedShortfall99);
        Assert.Equal(unshocked.BadDebt, report.MeanBadDebt);
        Assert.Equal(595.238096m, report.TopContributors.Single(c => c.Pool == "dave").MeanBadDebt);
        // No fund at all: every draw with a deficit ruins it.
        Assert.Equal(unshocked.DeficitLeft.Values.Any(v => v > 0) ? 1m : 0m, report.ProbabilityOfRuin);
        Assert.Equal("--draws", Assert.Throws<InputException>(() => MonteCarlo.Run(scenario.Accounts, market, still, settings, 0, 1)).Field);
    }
}
