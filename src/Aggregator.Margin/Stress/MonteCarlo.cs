using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Core.Positions;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Stress;

/// <summary>
/// The distribution of the book's losses over <c>N</c> correlated draws, each run through the cascade with
/// market impact (<see cref="StressTest"/>), on every core: bad debt at the 95th and 99th percentiles, the
/// expected shortfall beyond the 99th, the insurance fund's probability of ruin (a draw whose deficit the
/// fund cannot cover in full), and the pools that contribute most (docs/margin.md, "Monte Carlo").
/// </summary>
public static class MonteCarlo
{
    /// <summary>One pool's share of the losses: its mean bad debt over all draws, and in how many it was insolvent.</summary>
    public sealed record Contributor(string Pool, decimal MeanBadDebt, int Draws);

    public sealed record Report(
        int Draws, int Seed, decimal MeanBadDebt, decimal BadDebt95, decimal BadDebt99, decimal ExpectedShortfall99,
        decimal ProbabilityOfRuin, IReadOnlyList<Contributor> TopContributors, TimeSpan Elapsed);

    /// <param name="cores">At most how many draws run at once (−1: as many as the cores).</param>
    /// <exception cref="InputException">Fewer than one draw.</exception>
    public static Report Run(
        IReadOnlyList<MarginAccount> accounts, MarketState market, CorrelatedShocks shocks, StressSettings settings, int draws, int seed, int top = 10, int cores = -1)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(shocks);
        ArgumentNullException.ThrowIfNull(settings);
        if (draws < 1)
        {
            throw new InputException($"{draws} draws: at least one", field: "--draws");
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var losses = new decimal[draws];
        var ruined = new bool[draws];
        var byPool = new Dictionary<string, decimal>[draws];
        // Draws are independent (each its own generator): spread over the cores, gathered in draw order.
        Parallel.For(0, draws, new ParallelOptions { MaxDegreeOfParallelism = cores }, d =>
        {
            var report = StressTest.Run(accounts, market, settings with { Shocks = shocks.Draw(seed, d) });
            losses[d] = report.BadDebt;
            ruined[d] = report.DeficitLeft.Values.Any(v => v > 0) || report.PerpShortfallLeft > 0 || report.Deleveraged.Count > 0;
            byPool[d] = new Dictionary<string, decimal>(report.BadDebtByPool, StringComparer.Ordinal);
        });
        var sorted = losses.Order().ToArray();
        var contributions = new Dictionary<string, (decimal Sum, int Draws)>(StringComparer.Ordinal);
        foreach (var pools in byPool)
        {
            foreach (var (pool, loss) in pools)
            {
                var (sum, count) = contributions.TryGetValue(pool, out var c) ? c : (0m, 0);
                contributions[pool] = (sum + loss, count + 1);
            }
        }
        var tail = sorted[Index(draws, 0.99m)..];
        return new Report(
            draws, seed, losses.Sum() / draws, sorted[Index(draws, 0.95m)], sorted[Index(draws, 0.99m)], tail.Sum() / tail.Length,
            (decimal)ruined.Count(r => r) / draws,
            [.. contributions.OrderByDescending(c => c.Value.Sum).ThenBy(c => c.Key, StringComparer.Ordinal).Take(top)
                .Select(c => new Contributor(c.Key, c.Value.Sum / draws, c.Value.Draws))],
            clock.Elapsed);
    }

    // The nearest-rank percentile: the smallest loss at or above which lies the worst (1 − q) of the draws.
    private static int Index(int draws, decimal q) => Math.Min(draws - 1, (int)decimal.Ceiling(q * draws) - 1);

    /// <summary>Reads a covariance file: { "assets": ["ETH", …], "covariance": [[…], …] } (one-day log returns).</summary>
    /// <exception cref="InputException">Malformed, or naming an asset the market does not price.</exception>
    public static CorrelatedShocks ReadCovariance(string path, MarketState market)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (!File.Exists(path))
        {
            throw new InputException("the covariance file does not exist", file: path);
        }
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var assets = root.GetProperty("assets").EnumerateArray().Select(a => a.GetString() ?? "").ToArray();
            foreach (var symbol in assets)
            {
                if (!AssetId.IsValid(symbol) || !market.Contains(new AssetId(symbol)))
                {
                    throw new InputException($"'{symbol}' is not an asset of the scenario", file: path, field: "assets");
                }
            }
            var rows = root.GetProperty("covariance").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var matrix = new double[rows.Length, rows.Length == 0 ? 0 : rows.Max(r => r.Length)];
            for (var i = 0; i < rows.Length; i++)
            {
                if (rows[i].Length != matrix.GetLength(1))
                {
                    throw new InputException($"row {i} has {rows[i].Length} entries, not {matrix.GetLength(1)}", file: path, field: "covariance");
                }
                for (var j = 0; j < rows[i].Length; j++)
                {
                    matrix[i, j] = rows[i][j];
                }
            }
            return new CorrelatedShocks([.. assets.Select(a => new AssetId(a))], matrix);
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"not a covariance file ({{ \"assets\": [...], \"covariance\": [[...], ...] }}): {error.Message}", file: path);
        }
    }
}
