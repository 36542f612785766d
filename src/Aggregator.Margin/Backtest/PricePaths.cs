using System.Globalization;
using Aggregator.Core.Errors;

namespace Aggregator.Margin.Backtest;

/// <summary>
/// Price paths for the margin backtest (docs/margin.md, "Backtest"). The synthetic generator is not GARCH
/// (so the test does not favour one model by construction): a two-regime Markov switch, calm (daily σ 2%)
/// and stressed (daily σ 6%), moving calm→stressed with probability 0.02 a day and back with 0.10, plus a
/// jump on 1% of days of N(−15%, 5%); returns are simple, prices start at 2,000 and never go below 1% of
/// the day before. Seeded: a seed gives one path, always. Paths a user supplies are CSV files of prices.
/// </summary>
public static class PricePaths
{
    public const double CalmSigma = 0.02, StressedSigma = 0.06, ToStressed = 0.02, ToCalm = 0.10, JumpChance = 0.01, JumpMean = -0.15, JumpSigma = 0.05;

    /// <summary>The synthetic path of <paramref name="days"/> prices for <paramref name="seed"/>.</summary>
    public static decimal[] RegimeSwitchingWithJumps(int seed, int days, decimal start = 2_000m)
    {
        var random = new MathNet.Numerics.Random.MersenneTwister(seed, threadSafe: false);
        var prices = new decimal[days];
        prices[0] = start;
        var stressed = false;
        for (var t = 1; t < days; t++)
        {
            stressed = stressed ? random.NextDouble() >= ToCalm : random.NextDouble() < ToStressed;
            var r = MathNet.Numerics.Distributions.Normal.Sample(random, 0, stressed ? StressedSigma : CalmSigma);
            if (random.NextDouble() < JumpChance)
            {
                r += MathNet.Numerics.Distributions.Normal.Sample(random, JumpMean, JumpSigma);
            }
            prices[t] = decimal.Round(prices[t - 1] * (decimal)Math.Max(0.01, 1 + r), 8);
        }
        return prices;
    }

    /// <summary>A CSV of prices, oldest first: one per line, or the last column of each line; a header line is skipped.</summary>
    /// <exception cref="InputException">Missing, empty, or a price that is not a positive number (naming the line).</exception>
    public static decimal[] ReadCsv(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the price series does not exist", file: path);
        }
        var prices = new List<decimal>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var cell = lines[i].Split(',')[^1].Trim();
            if (cell.Length == 0 || (i == 0 && !char.IsAsciiDigit(cell[0])))
            {
                continue;
            }
            if (!decimal.TryParse(cell, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price) || price <= 0)
            {
                throw new InputException($"'{cell}' is not a positive price", file: path, line: i + 1);
            }
            prices.Add(price);
        }
        return prices.Count >= 2 ? [.. prices] : throw new InputException("a price series needs at least two prices", file: path);
    }
}
