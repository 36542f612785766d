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
        var impact = new Option<string?>("--impact") { Description = "Linear price impact per whole unit sold, e.g. ETH=0.00001 (default 0)" };
        var fund = new Option<string?>("--fund") { Description = "The insurance fund at the start, whole units per asset, e.g. USDC=100000 (default empty)" };
        var fundShare = new Option<string?>("--fund-share") { Description = "The fund's share of each liquidation bonus, from 0 to 1 (default 0)" };
        var command = new Command("stress", "Shock prices, liquidate, apply market impact, re-price and repeat until nothing changes; print the rounds and totals (bad debt, the deficit and what the insurance fund covers of it) as JSON.")
        {
            input, shock, impact, fund, fundShare,
        };
        command.SetAction(parseResult =>
        {
            var scenario = ReadScenario(parseResult.GetValue(input)!);
            var market = scenario.ResolveMarket();
            var shocks = AssetValues(parseResult.GetValue(shock)!, "--shock", market, min: -1);
            var impacts = parseResult.GetValue(impact) is { } text ? AssetValues(text, "--impact", market, min: 0) : new Dictionary<AssetId, decimal>();
            var share = 0m;
            if (parseResult.GetValue(fundShare) is { } shareText
                && (!decimal.TryParse(shareText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out share) || share is < 0 or > 1))
            {
                throw new InputException($"'{shareText}' is not a share from 0 to 1 of the liquidation bonus", field: "--fund-share");
            }
            var settings = new StressSettings(shocks, impacts)
            {
                Fund = parseResult.GetValue(fund) is { } fundText ? AssetValues(fundText, "--fund", market, min: 0) : new Dictionary<AssetId, decimal>(),
                FundShare = share,
            };
            var report = StressTest.Run(scenario.Accounts, market, settings);
            WriteJson(context, stream => MarginReportJson.WriteStress(stream, settings, report));
            return ExitCodes.Success;
        });
        return command;
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
