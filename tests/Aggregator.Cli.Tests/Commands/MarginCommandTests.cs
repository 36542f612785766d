using System.Text.Json;
using Aggregator.Testing;

namespace Aggregator.Cli.Tests.Commands;

public sealed class MarginCommandTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-margin-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private static string Example => RepositoryPaths.Combine("docs", "examples", "margin-scenario.json");

    private string Scenario(string json)
    {
        var path = Path.Combine(_workspace, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Evaluate_prints_one_json_document_with_every_account_and_asset()
    {
        var (exit, stdout, stderr) = CliRunner.Run("margin", "evaluate", "--input", Example);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        using var document = JsonDocument.Parse(stdout);
        var accounts = document.RootElement.GetProperty("accounts").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!);
        Assert.Equal(["alice", "bob", "carol", "dave", "erin", "frank"], accounts.Keys);
        Assert.Equal("1.375", accounts["alice"].GetProperty("healthFactor").GetString());
        Assert.Equal("margin_call", accounts["bob"].GetProperty("status").GetString());
        var plan = accounts["carol"].GetProperty("liquidation");
        Assert.Equal("USDC", plan.GetProperty("debtAsset").GetString());
        Assert.Equal("7000", plan.GetProperty("debtToCover").GetString());
        Assert.Equal("eip155:1", plan.GetProperty("collateralChain").GetString());
        Assert.Equal("ETH", plan.GetProperty("collateralAsset").GetString());
        Assert.Equal("3.675", plan.GetProperty("collateralToSeize").GetString());
        Assert.Equal("frozen", accounts["frank"].GetProperty("status").GetString());
        var isolated = accounts["erin"].GetProperty("isolated")[0];
        Assert.StartsWith("137.905", isolated.GetProperty("perps")[0].GetProperty("liquidationPrice").GetString());
        var doge = document.RootElement.GetProperty("assets").EnumerateArray().Single(a => a.GetProperty("symbol").GetString() == "DOGE");
        Assert.Equal("stale", doge.GetProperty("oracleStatus").GetString());
    }

    [Fact]
    public void Stress_prints_rounds_and_totals()
    {
        var (exit, stdout, _) = CliRunner.Run("margin", "stress", "--input", Example, "--shock", "ETH=-0.3,SOL=-0.4", "--impact", "ETH=0.01");
        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement;
        Assert.Equal("1400", root.GetProperty("shockedPrices").GetProperty("ETH").GetString());
        Assert.Equal(4, root.GetProperty("rounds")[0].GetProperty("liquidations").GetInt32());
        Assert.Equal("14.5", root.GetProperty("rounds")[0].GetProperty("sold").GetProperty("ETH").GetString());
        var totals = root.GetProperty("totals");
        Assert.True(totals.GetProperty("converged").GetBoolean());
        Assert.Equal(["carol", "dave", "erin/sol-long"], totals.GetProperty("insolventAccounts").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("4933.333334", totals.GetProperty("badDebt").GetString());
        // erin/sol-long: 50 SOL-PERP long from 150 marked at 90 (−3,000) on 900 of SOL: equity −2,100. No
        // fund and no one short SOL-PERP: all of it is left.
        Assert.Equal(("2100", "2100", 0), (totals.GetProperty("perpShortfall").GetString(), totals.GetProperty("perpShortfallLeft").GetString(), totals.GetProperty("deleveraged").GetArrayLength()));
    }

    [Theory]
    [InlineData("--shock", "XRP=-0.3", "unknown asset 'XRP'")]
    [InlineData("--shock", "ETH=-1.5", "below -1")]
    [InlineData("--shock", "ETH", "not SYMBOL=NUMBER")]
    [InlineData("--impact", "ETH=-0.1", "below 0")]
    [InlineData("--fund", "USDC=-5", "below 0")]
    [InlineData("--fund-share", "-0.1", "--fund-share: '-0.1' is not a share from 0 to 1")]
    [InlineData("--fund-share", "1.2", "--fund-share: '1.2' is not a share from 0 to 1")]
    [InlineData("--perp-settlement", "XRP", "--perp-settlement: 'XRP' is not an asset of the scenario's market")]
    public void Stress_rejects_bad_shocks_impacts_and_funds_with_exit_2(string option, string value, string expected)
    {
        string[] args = option == "--shock"
            ? ["margin", "stress", "--input", Example, "--shock", value]
            : ["margin", "stress", "--input", Example, "--shock", "ETH=-0.1", option, value];
        var (exit, stdout, stderr) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void A_bad_scenario_fails_with_exit_2_naming_file_and_path()
    {
        var path = Scenario("""{ "assets": [ { "symbol": "ETH", "decimals": 18, "ltv": "0.9", "liquidationThreshold": "0.8", "liquidationBonus": "0.05", "price": "1" } ], "accounts": [] }""");
        var (exit, stdout, stderr) = CliRunner.Run("margin", "evaluate", "--input", path);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains($"{path}, $.assets[0].ltv: ltv 0.9 is above the liquidation threshold 0.8", stderr);
    }

    [Fact]
    public void A_missing_scenario_file_is_exit_2()
    {
        var (exit, _, stderr) = CliRunner.Run("margin", "evaluate", "--input", Path.Combine(_workspace, "none.json"));
        Assert.Equal(2, exit);
        Assert.Contains("does not exist", stderr);
    }

    [Theory]
    [InlineData("margin")]
    [InlineData("margin", "evaluate")]
    [InlineData("margin", "stress")]
    [InlineData("margin", "montecarlo")]
    [InlineData("margin", "backtest")]
    [InlineData("margin", "hedge")]
    public void Help_is_available_on_every_margin_verb(params string[] verb)
    {
        var (exit, stdout, _) = CliRunner.Run([.. verb, "--help"]);
        Assert.Equal(0, exit);
        Assert.Contains("Usage:", stdout);
    }

    [Fact]
    public void Montecarlo_prints_the_distribution_and_repeats_exactly_for_a_seed()
    {
        var covariance = Scenario("""{ "assets": ["ETH", "BTC"], "covariance": [[0.0025, 0.0018], [0.0018, 0.0016]] }""");
        string[] args = ["margin", "montecarlo", "--input", Example, "--covariance", covariance, "--draws", "200", "--seed", "5", "--impact", "ETH=0.001", "--fund", "USDC=500", "--fund-share", "0.1"];
        var (exit, stdout, stderr) = CliRunner.Run(args);
        Assert.True(exit == 0, stderr);
        Assert.Matches(@"^200 draws in [0-9.]+ s", stderr.Trim());
        using var report = JsonDocument.Parse(stdout);
        var root = report.RootElement;
        Assert.Equal(200, root.GetProperty("draws").GetInt32());
        var badDebt = root.GetProperty("badDebt");
        var (p95, p99) = (decimal.Parse(badDebt.GetProperty("p95").GetString()!, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(badDebt.GetProperty("p99").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(p95 <= p99, $"p95 {p95} above p99 {p99}");
        // dave is insolvent before any shock: he leads the contributors in every draw.
        Assert.Equal("dave", root.GetProperty("topContributors")[0].GetProperty("pool").GetString());
        Assert.Equal(stdout, CliRunner.Run(args).Output);
    }

    [Theory]
    [InlineData("""{ "assets": ["ETH", "BTC"], "covariance": [[0.01, 0.02], [0.02, 0.01]] }""", "not positive semi-definite")]
    [InlineData("""{ "assets": ["ETH", "XRP"], "covariance": [[0.01, 0], [0, 0.01]] }""", "'XRP' is not an asset of the scenario")]
    [InlineData("""{ "assets": ["ETH"], "covariance": "none" }""", "not a covariance file")]
    public void Montecarlo_refuses_a_covariance_no_distribution_has_with_exit_2(string json, string expected)
    {
        var (exit, stdout, stderr) = CliRunner.Run(["margin", "montecarlo", "--input", Example, "--covariance", Scenario(json)]);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void Hedge_proposes_only_for_the_assets_outside_their_band()
    {
        var exposure = Scenario("""
            { "assets": [
              { "symbol": "ETH", "decimals": 18, "price": "2000", "owed": "1000", "held": "950", "band": { "min": "-50000", "max": "50000" }, "instrument": "perp", "costBasisPoints": 5 },
              { "symbol": "BTC", "decimals": 8, "price": "60000", "owed": "10", "held": "10.5", "band": { "min": "-50000", "max": "50000" }, "instrument": "perp", "costBasisPoints": 5 }
            ] }
            """);
        var (exit, stdout, stderr) = CliRunner.Run("margin", "hedge", "--input", exposure);
        Assert.True(exit == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var proposal = Assert.Single(report.RootElement.GetProperty("proposals").EnumerateArray());
        Assert.Equal(("ETH", "buy", "25", "25"), (proposal.GetProperty("asset").GetString(), proposal.GetProperty("side").GetString(), proposal.GetProperty("size").GetString(), proposal.GetProperty("cost").GetString()));
        Assert.True(report.RootElement.GetProperty("exposures")[1].GetProperty("withinBand").GetBoolean());
    }

    [Theory]
    [InlineData("""{ "assets": [{ "symbol": "ETH", "decimals": 18, "price": "2000", "owed": "1", "held": "1", "band": { "min": "-1", "max": "1" }, "instrument": "option", "costBasisPoints": 5 }] }""", "$.assets[0].instrument: 'option' is not perp or spot")]
    [InlineData("""{ "assets": [{ "symbol": "ETH", "decimals": 18, "price": "abc", "owed": "1", "held": "1", "band": { "min": "-1", "max": "1" }, "costBasisPoints": 5 }] }""", "$.assets[0].price: 'abc' is not a decimal number")]
    [InlineData("""{ "assets": [{ "symbol": "ETH", "decimals": 18, "price": "2000", "held": "1", "band": { "min": "-1", "max": "1" }, "costBasisPoints": 5 }] }""", "$.assets[0].owed is missing")]
    public void Hedge_refuses_a_bad_exposure_file_naming_the_path(string json, string expected)
    {
        var (exit, _, stderr) = CliRunner.Run("margin", "hedge", "--input", Scenario(json));
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr);
    }
}
