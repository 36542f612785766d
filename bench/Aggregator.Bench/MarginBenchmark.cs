using System.Diagnostics;
using System.Globalization;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Margin.Live;
using Aggregator.Margin.Markets;
using Aggregator.Margin.Scenarios;

namespace Aggregator.Bench;

/// <summary>
/// The live margin book under a stream of mixed updates: balance changes on one chain, and price ticks
/// that re-evaluate every holder of an asset. Beside it, the naive engine that re-evaluates every
/// account after every change, measured in the same run.
/// </summary>
internal static class MarginBenchmark
{
    private static readonly string[] Symbols = ["ETH", "BTC", "SOL", "USDC"];
    private static readonly int[] Decimals = [18, 8, 9, 6];
    private static readonly decimal[] StartPrices = [2000m, 60000m, 150m, 1m];

    public static void Run(int accounts, int updates, int updatesPerTick)
    {
        Console.WriteLine($"# Live cross-margin book: {accounts:N0} accounts x 3 chains x {Symbols.Length} assets, {updates:N0} updates, a price tick every {updatesPerTick:N0}");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();

        var market = Market();
        ChainId[] chains = [ChainId.Parse("eip155:1"), ChainId.Parse("eip155:42161"), ChainId.Parse("solana:mainnet")];
        var book = new CrossMarginBook(market, chains, Symbols.Select(s => new AssetId(s)).ToArray());
        var random = new XorShift(7);

        var load = Stopwatch.StartNew();
        for (var account = 0; account < accounts; account++)
        {
            book.AddAccount($"account-{account}");
            decimal value = 0;
            for (var chain = 0; chain < chains.Length; chain++)
            {
                var asset = random.Next(3); // ETH, BTC or SOL on every chain
                var whole = 1 + random.Next(1000) / 100m;
                value += whole * StartPrices[asset];
                book.SetCollateral(account, chain, asset, BaseUnits(whole, asset));
            }
            // Debt between 40% and 85% of collateral value: a spread of health factors around 1.
            book.SetDebt(account, 3, BaseUnits(decimal.Round(value * (40 + random.Next(46)) / 100m, 2), 3));
        }
        var loadSeconds = load.Elapsed.TotalSeconds;
        book.TakeHealthChanges([]);

        var single = Stream(book, random, accounts, updates, updatesPerTick, batchSize: 1);
        var batched = Stream(book, random, accounts, updates, updatesPerTick, batchSize: 4096);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;

        // The naive baseline: after each balance change, re-evaluate every account.
        const int naiveUpdates = 10;
        var naive = Stopwatch.StartNew();
        for (var i = 0; i < naiveUpdates; i++)
        {
            book.SetCollateral(random.Next(accounts), random.Next(3), random.Next(3), BaseUnits(random.Next(2000) / 100m, 0));
            book.RecomputeAll();
        }
        book.TakeHealthChanges([]);
        var naivePerSecond = naiveUpdates / naive.Elapsed.TotalSeconds;

        var statuses = Enumerable.Range(0, accounts).GroupBy(book.Status).ToDictionary(g => g.Key, g => g.Count());
        Console.WriteLine("| figure | live book, one by one | live book, batches of 4096 | naive recompute-everything |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(Line($"| balance updates/s (health factors current after each) | {single.UpdatesPerSecond:N0} | {batched.UpdatesPerSecond:N0} | {naivePerSecond:N1} |"));
        Console.WriteLine(Line($"| full re-price after a tick (every holder), median / max | {single.TickMedian:F0} / {single.TickMax:F0} ms | {batched.TickMedian:F0} / {batched.TickMax:F0} ms | {1000 / naivePerSecond:F0} ms (one full pass) |"));
        Console.WriteLine(Line($"| whole stream: {updates:N0} updates incl. {single.Ticks} ticks | {single.Seconds:F1} s | {batched.Seconds:F1} s | ~{updates / naivePerSecond / 3600:N0} h (extrapolated) |"));
        Console.WriteLine(Line($"| health changes reported (status or band) | {single.HealthChanges:N0} | {batched.HealthChanges:N0} | |"));
        Console.WriteLine(Line($"| initial load ({accounts * 4L:N0} positions) | {loadSeconds:F1} s | | |"));
        Console.WriteLine(Line($"| peak working set (whole process) | {peak / 1048576.0:N0} MiB | | |"));
        Console.WriteLine();
        Console.WriteLine("statuses at the end: " + string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{MarginReportJson.StatusName(p.Key)} {p.Value:N0}")));
    }

    private sealed record StreamFigures(double UpdatesPerSecond, double TickMedian, double TickMax, int Ticks, double Seconds, long HealthChanges);

    // Drives the book with balance changes (applied one by one, or gathered into batches) and a price
    // tick every updatesPerTick updates; times balance work and ticks separately.
    private static StreamFigures Stream(CrossMarginBook book, XorShift random, int accounts, int updates, int updatesPerTick, int batchSize)
    {
        var prices = (decimal[])StartPrices.Clone();
        var batch = new List<CollateralChange>(batchSize);
        // The engine takes the book's health changes after every write, to publish them.
        var changes = new List<HealthChange>();
        var changeCount = 0L;
        var balanceWatch = new Stopwatch();
        var ticks = new List<double>();
        var balanceUpdates = 0L;
        var total = Stopwatch.StartNew();
        void Flush()
        {
            balanceWatch.Start();
            if (batch.Count == 1)
            {
                book.SetCollateral(batch[0].Account, batch[0].Chain, batch[0].Asset, batch[0].BaseUnits);
            }
            else if (batch.Count > 1)
            {
                book.SetCollateral(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch));
            }
            changeCount += book.TakeHealthChanges(changes);
            changes.Clear();
            balanceWatch.Stop();
            balanceUpdates += batch.Count;
            batch.Clear();
        }
        for (var i = 1; i <= updates; i++)
        {
            if (i % updatesPerTick == 0)
            {
                Flush();
                var asset = random.Next(3);
                // -3% .. +3%, to 8 decimals as oracles publish (Chainlink USD feeds carry 8).
                prices[asset] = decimal.Round(prices[asset] * (0.97m + random.Next(61) / 1000m), 8);
                var tick = Stopwatch.StartNew();
                book.SetPrice(asset, prices[asset]);
                changeCount += book.TakeHealthChanges(changes);
                changes.Clear();
                ticks.Add(tick.Elapsed.TotalMilliseconds);
                continue;
            }
            var held = random.Next(3);
            batch.Add(new CollateralChange(random.Next(accounts), random.Next(3), held, BaseUnits(random.Next(2000) / 100m, held)));
            if (batch.Count == batchSize)
            {
                Flush();
            }
        }
        Flush();
        ticks.Sort();
        return new StreamFigures(balanceUpdates / balanceWatch.Elapsed.TotalSeconds, ticks[ticks.Count / 2], ticks[^1], ticks.Count, total.Elapsed.TotalSeconds, changeCount);
    }

    /// <summary>
    /// The Monte Carlo of correlated stress (issue 25) at <paramref name="accounts"/> accounts built as the
    /// live book's are: the cost of one draw through the cascade alone on one core, then the draws spread
    /// over the cores, side by side in one run.
    /// </summary>
    public static void RunMonteCarlo(int accounts, int draws)
    {
        Console.WriteLine($"# Monte Carlo of correlated stress: {accounts:N0} accounts x 3 chains, {draws} draws, impact on every asset sold");
        Console.WriteLine($"machine: {Machine.Describe()}");
        var market = Market();
        ChainId[] chains = [ChainId.Parse("eip155:1"), ChainId.Parse("eip155:42161"), ChainId.Parse("solana:mainnet")];
        var book = new CrossMarginBook(market, chains, Symbols.Select(s => new AssetId(s)).ToArray());
        var random = new XorShift(7);
        for (var account = 0; account < accounts; account++)
        {
            book.AddAccount($"account-{account}");
            decimal value = 0;
            for (var chain = 0; chain < chains.Length; chain++)
            {
                var asset = random.Next(3);
                var whole = 1 + random.Next(1000) / 100m;
                value += whole * StartPrices[asset];
                book.SetCollateral(account, chain, asset, BaseUnits(whole, asset));
            }
            book.SetDebt(account, 3, BaseUnits(decimal.Round(value * (40 + random.Next(46)) / 100m, 2), 3));
        }
        var book2 = Enumerable.Range(0, accounts).Select(a => new Core.Positions.MarginAccount(book.AccountId(a), book.CrossPositions(a), [])).ToArray();
        // Daily log-return covariance of ETH, BTC, SOL: volatilities 5%, 4%, 7%, correlations 0.9 / 0.85 / 0.8.
        var shocks = new Margin.Stress.CorrelatedShocks([new AssetId("ETH"), new AssetId("BTC"), new AssetId("SOL")], new[,]
        {
            { 0.0025, 0.0018, 0.002975 }, { 0.0018, 0.0016, 0.00224 }, { 0.002975, 0.00224, 0.0049 },
        });
        var settings = new Margin.Stress.StressSettings(new Dictionary<AssetId, decimal>(),
            new Dictionary<AssetId, decimal> { [new AssetId("ETH")] = 0.0000001m, [new AssetId("BTC")] = 0.000001m, [new AssetId("SOL")] = 0.00000001m })
        {
            Fund = new Dictionary<AssetId, decimal> { [new AssetId("USDC")] = 1_000_000m },
            FundShare = 0.1m,
        };
        // The JIT warmed on one draw first; then the same draws on one core and on all, alternating is not
        // needed: each run draws exactly the same shocks (seeded per draw).
        Margin.Stress.StressTest.Run(book2, market, settings with { Shocks = shocks.Draw(99, 0) });
        var sequential = Margin.Stress.MonteCarlo.Run(book2, market, shocks, settings, draws, seed: 1, cores: 1);
        var parallel = Margin.Stress.MonteCarlo.Run(book2, market, shocks, settings, draws, seed: 1);
        Console.WriteLine(Line($"{draws} draws on one core: {sequential.Elapsed.TotalSeconds:F1} s, {sequential.Elapsed.TotalMilliseconds / draws:F0} ms a draw"));
        Console.WriteLine(Line($"{draws} draws on {Environment.ProcessorCount} cores: {parallel.Elapsed.TotalSeconds:F1} s, {parallel.Elapsed.TotalMilliseconds / draws:F0} ms a draw ({sequential.Elapsed / parallel.Elapsed:F2}x)"));
        if (parallel.MeanBadDebt != sequential.MeanBadDebt || parallel.BadDebt99 != sequential.BadDebt99)
        {
            throw new InvalidOperationException("the draws on one core and on all disagree");
        }
        Console.WriteLine(Line($"bad debt mean {parallel.MeanBadDebt:F2}, p95 {parallel.BadDebt95:F2}, p99 {parallel.BadDebt99:F2}, ES99 {parallel.ExpectedShortfall99:F2}; probability of ruin {parallel.ProbabilityOfRuin} (a fund of 1,000,000 USDC, a tenth of each bonus)"));
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB");
    }

    private static MarketState Market()
    {
        var assets = string.Join(",", Symbols.Select((s, i) =>
            $$"""{ "symbol": "{{s}}", "decimals": {{Decimals[i]}}, "ltv": "0.75", "liquidationThreshold": "0.8", "liquidationBonus": "0.05", "price": "{{StartPrices[i]}}" }"""));
        return ScenarioJson.Parse($$"""{ "assets": [{{assets}}], "chains": [{ "id": "eip155:42161", "haircuts": { "ETH": "0.02" } }], "accounts": [] }""", "bench").ResolveMarket();
    }

    private static UInt128 BaseUnits(decimal whole, int asset)
    {
        var scaled = whole;
        for (var i = 0; i < Decimals[asset]; i++)
        {
            scaled *= 10;
        }
        return (UInt128)decimal.Floor(scaled);
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // A tiny deterministic generator, so the stream costs nothing next to the updates it drives.
    private sealed class XorShift(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int bound)
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            return (int)(_state % (ulong)bound);
        }
    }
}
