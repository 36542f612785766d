using System.CommandLine;
using System.Globalization;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Markets;
using Aggregator.Margin.Scenarios;
using Aggregator.Margin.Stress;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator margin evaluate|stress</c>: the margin engine over a scenario file, JSON out.</summary>
internal static class MarginCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("margin", "Evaluate cross and isolated margin over a scenario, or stress it with price shocks.");
        command.Subcommands.Add(Evaluate(context));
        command.Subcommands.Add(MonteCarloCommand(context));
        command.Subcommands.Add(Backtest(context));
        command.Subcommands.Add(Hedge(context));
        command.Subcommands.Add(Stress(context));
        return command;
    }

    private static Option<string> InputOption() => new("--input")
    {
        Description = "SCENARIO.json: assets, optional chains (haircuts) and params, accounts (docs/margin.md)",
        Required = true,
    };

    private static Command Evaluate(CliContext context)
    {
        var input = InputOption();
        var command = new Command("evaluate", "Print, per account and isolated position, health factor, status, borrowing power and any liquidation plan, as JSON.") { input };
        command.SetAction(parseResult =>
        {
            var scenario = ReadScenario(parseResult.GetValue(input)!);
            var market = scenario.ResolveMarket();
            WriteJson(context, stream => MarginReportJson.WriteEvaluation(stream, market, scenario.Accounts.Select(a => (PoolEvaluator.Evaluate(a, market), RiskSensitivity.Of(a, market)))));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Stress(CliContext context)
    {
        var input = InputOption();
        var shock = new Option<string>("--shock") { Description = "Relative price shocks, e.g. ETH=-0.3,SOL=-0.4", Required = true };
        var cascade = new CascadeOptions();
        var command = new Command("stress", "Shock prices, liquidate, apply market impact, re-price and repeat until nothing changes; print the rounds and totals (bad debt, the deficit, what the insurance fund covers of it, and the perps auto-deleveraged) as JSON.")
        {
            input, shock,
        };
        cascade.AddTo(command);
        command.SetAction(parseResult =>
        {
            var scenario = ReadScenario(parseResult.GetValue(input)!);
            var market = scenario.ResolveMarket();
            var settings = cascade.Settings(parseResult, market, AssetValues(parseResult.GetValue(shock)!, "--shock", market, min: -1));
            var report = StressTest.Run(scenario.Accounts, market, settings);
            WriteJson(context, stream => MarginReportJson.WriteStress(stream, settings, report));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command MonteCarloCommand(CliContext context)
    {
        var input = InputOption();
        var covariance = new Option<string>("--covariance") { Description = "COVARIANCE.json: { \"assets\": [\"ETH\", ...], \"covariance\": [[...], ...] } of one-day log returns", Required = true };
        var draws = new Option<int>("--draws") { Description = "How many joint draws (default 1000)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "The seed: the same seed, the same draws (default 1)", DefaultValueFactory = _ => 1 };
        var cascade = new CascadeOptions();
        var command = new Command("montecarlo", "Draw correlated price shocks (Cholesky factor of a covariance matrix, seeded), run each through the cascade, and print the distribution of the book's bad debt, the fund's probability of ruin and the largest contributors as JSON.")
        {
            input, covariance, draws, seed,
        };
        cascade.AddTo(command);
        command.SetAction(parseResult =>
        {
            var scenario = ReadScenario(parseResult.GetValue(input)!);
            var market = scenario.ResolveMarket();
            var shocks = MonteCarlo.ReadCovariance(parseResult.GetValue(covariance)!, market);
            var settings = cascade.Settings(parseResult, market, new Dictionary<AssetId, decimal>());
            var report = MonteCarlo.Run(scenario.Accounts, market, shocks, settings, parseResult.GetValue(draws), parseResult.GetValue(seed));
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Draws} draws in {report.Elapsed.TotalSeconds:F2} s ({report.Elapsed.TotalMilliseconds / report.Draws:F2} ms a draw, on {Environment.ProcessorCount} cores)"));
            WriteJson(context, stream => MarginReportJson.WriteMonteCarlo(stream, report));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Backtest(CliContext context)
    {
        var paths = new Option<int>("--paths") { Description = "How many synthetic paths (regime switching with jumps, labelled synthetic; default 20)", DefaultValueFactory = _ => 20 };
        var days = new Option<int>("--days") { Description = "Days per synthetic path (default 500)", DefaultValueFactory = _ => 500 };
        var seed = new Option<int>("--seed") { Description = "The first path's seed; path i uses seed + i (default 1001)", DefaultValueFactory = _ => 1001 };
        var series = new Option<string[]>("--series") { Description = "A CSV of daily prices to run instead of synthetic paths (repeatable)", AllowMultipleArgumentsPerToken = false };
        var accounts = new Option<int>("--accounts") { Description = "Borrowers in the book (default 1000)", DefaultValueFactory = _ => 1000 };
        var command = new Command("backtest", "Run static, EWMA and GARCH thresholds on the same book over the same price paths; print liquidations, bad debt, capital locked, and the method chosen as the default (least bad debt plus 5% a year on the capital locked) as JSON.")
        {
            paths, days, seed, series, accounts,
        };
        command.SetAction(parseResult =>
        {
            var files = parseResult.GetValue(series) ?? [];
            var (count, length, first) = (parseResult.GetValue(paths), parseResult.GetValue(days), parseResult.GetValue(seed));
            if (files.Length == 0 && (count < 1 || length < 100))
            {
                throw new InputException($"{count} paths of {length} days: at least one path of at least 100 days", field: "--paths");
            }
            IReadOnlyList<decimal[]> prices = files.Length > 0
                ? [.. files.Select(Margin.Backtest.PricePaths.ReadCsv)]
                : [.. Enumerable.Range(0, count).Select(i => Margin.Backtest.PricePaths.RegimeSwitchingWithJumps(first + i, length))];
            var settings = new Margin.Backtest.MarginBacktest.Settings(Accounts: parseResult.GetValue(accounts));
            var result = Margin.Backtest.MarginBacktest.Run(prices, settings);
            WriteJson(context, stream =>
            {
                using var writer = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true });
                writer.WriteStartObject();
                writer.WriteString("paths", files.Length > 0 ? "series given" : $"synthetic: regime switching with jumps, seeds {first}..{first + count - 1}, {length} days");
                writer.WriteNumber("accounts", settings.Accounts);
                writer.WriteStartArray("methods");
                foreach (var method in result.Methods)
                {
                    writer.WriteStartObject();
                    writer.WriteString("method", method.Method.ToString().ToLowerInvariant());
                    writer.WriteNumber("liquidations", method.Liquidations);
                    writer.WriteString("badDebt", MarginReportJson.Text(decimal.Round(method.BadDebt, 2)));
                    writer.WriteString("capitalLocked", MarginReportJson.Text(decimal.Round(method.CapitalLocked, 4)));
                    writer.WriteString("cost", MarginReportJson.Text(decimal.Round(method.Cost, 2)));
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteString("default", result.Default.ToString().ToLowerInvariant());
                writer.WriteEndObject();
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Hedge(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "EXPOSURE.json: per asset what the institution owes, holds and carries on its desk, its band, instrument and cost", Required = true };
        var command = new Command("hedge", "Propose the orders (perp or spot, sized, priced at the oracle price, with their cost) that bring each asset's net exposure back within its band; print them as JSON. Nothing is executed.")
        {
            input,
        };
        command.SetAction(parseResult =>
        {
            var exposures = Margin.Hedging.ExposureFile.Read(parseResult.GetValue(input)!);
            var proposals = Margin.Hedging.HedgePlanner.Propose(exposures);
            WriteJson(context, stream =>
            {
                using var writer = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true });
                writer.WriteStartObject();
                writer.WriteStartArray("exposures");
                foreach (var exposure in exposures)
                {
                    writer.WriteStartObject();
                    writer.WriteString("asset", exposure.Asset.Symbol);
                    writer.WriteString("netUnits", MarginReportJson.Text(exposure.NetUnits));
                    writer.WriteString("netValue", MarginReportJson.Text(exposure.NetValue));
                    writer.WriteBoolean("withinBand", exposure.NetValue >= exposure.BandMin && exposure.NetValue <= exposure.BandMax);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteStartArray("proposals");
                foreach (var p in proposals)
                {
                    writer.WriteStartObject();
                    writer.WriteString("asset", p.Asset.Symbol);
                    writer.WriteString("instrument", p.Instrument.ToString().ToLowerInvariant());
                    writer.WriteString("side", p.Buy ? "buy" : "sell");
                    writer.WriteString("size", MarginReportJson.Text(p.Size));
                    writer.WriteString("price", MarginReportJson.Text(p.Price));
                    writer.WriteString("notional", MarginReportJson.Text(p.Notional));
                    writer.WriteString("cost", MarginReportJson.Text(p.Cost));
                    writer.WriteString("netValueAfter", MarginReportJson.Text(p.NetValueAfter));
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            return ExitCodes.Success;
        });
        return command;
    }

    // The cascade's options, shared by stress and montecarlo: impacts, the fund, its share, and the asset perps settle in.
    private sealed class CascadeOptions
    {
        private readonly Option<string?> _impact = new("--impact") { Description = "Linear price impact per whole unit sold, e.g. ETH=0.00001 (default 0)" };
        private readonly Option<string?> _fund = new("--fund") { Description = "The insurance fund at the start, whole units per asset, e.g. USDC=100000 (default: the market's params.insuranceFund)" };
        private readonly Option<string?> _fundShare = new("--fund-share") { Description = "The fund's share of each liquidation bonus, from 0 to 1 (default: the market's params.insuranceFundShare, else 0)" };
        private readonly Option<string?> _perpSettlement = new("--perp-settlement") { Description = "The asset perps settle in: the fund covers a perp shortfall from it (default the market's params.perpSettlement, else USDC when the market lists it)" };

        public void AddTo(Command command)
        {
            command.Options.Add(_impact);
            command.Options.Add(_fund);
            command.Options.Add(_fundShare);
            command.Options.Add(_perpSettlement);
        }

        public StressSettings Settings(ParseResult parseResult, MarketState market, Dictionary<AssetId, decimal> shocks)
        {
            var impacts = parseResult.GetValue(_impact) is { } text ? AssetValues(text, "--impact", market, min: 0) : new Dictionary<AssetId, decimal>();
            var share = market.Settings.InsuranceFundShare;
            if (parseResult.GetValue(_fundShare) is { } shareText
                && (!decimal.TryParse(shareText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out share) || share is < 0 or > 1))
            {
                throw new InputException($"'{shareText}' is not a share from 0 to 1 of the liquidation bonus", field: "--fund-share");
            }
            var settlement = market.Settings.PerpSettlement;
            if (parseResult.GetValue(_perpSettlement) is { } symbol)
            {
                settlement = market.Assets.FirstOrDefault(a => a.Id.Symbol == symbol)?.Id
                    ?? throw new InputException($"'{symbol}' is not an asset of the scenario's market", field: "--perp-settlement");
            }
            return new StressSettings(shocks, impacts)
            {
                Fund = parseResult.GetValue(_fund) is { } fundText ? AssetValues(fundText, "--fund", market, min: 0) : new Dictionary<AssetId, decimal>(market.Settings.InsuranceFund),
                FundShare = share,
                PerpSettlement = settlement,
            };
        }
    }

    private static Scenario ReadScenario(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the scenario file does not exist", file: path);
        }
        return ScenarioJson.Parse(File.ReadAllText(path), path);
    }

    // "ETH=-0.3,SOL=-0.4" -> per asset values, each at least min.
    private static Dictionary<AssetId, decimal> AssetValues(string text, string option, MarketState market, decimal min)
    {
        var values = new Dictionary<AssetId, decimal>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=');
            if (parts.Length != 2 || !decimal.TryParse(parts[1], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                throw new InputException($"'{item}' is not SYMBOL=NUMBER", field: option);
            }
            if (!AssetId.IsValid(parts[0]) || !market.Contains(new AssetId(parts[0])))
            {
                throw new InputException($"unknown asset '{parts[0]}' (known: {string.Join(", ", market.Assets.Select(a => a.Id))})", field: option);
            }
            if (value < min)
            {
                throw new InputException($"{parts[0]}={value} is below {min}", field: option);
            }
            if (!values.TryAdd(new AssetId(parts[0]), value))
            {
                throw new InputException($"{parts[0]} is named twice", field: option);
            }
        }
        return values;
    }

    private static void WriteJson(CliContext context, Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        context.Output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
