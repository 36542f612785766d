using Aggregator.Core.Errors;
using Aggregator.Margin.Scenarios;

namespace Aggregator.Margin.Tests.Scenarios;

public class ScenarioJsonTests
{
    private const string Asset = """{ "symbol": "ETH", "decimals": 18, "ltv": "0.8", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "2000" }""";

    [Theory]
    [InlineData("""{ "assets": [ { "symbol": "ETH", "decimals": 18, "ltv": "0.8", "liquidationThreshold": "1.2", "liquidationBonus": "0.05", "price": "1" } ], "accounts": [] }""", "$.assets[0].liquidationThreshold", "not between 0 and 1")]
    [InlineData("""{ "assets": [ { "symbol": "ETH", "decimals": 18, "ltv": "0.9", "liquidationThreshold": "0.8", "liquidationBonus": "0.05", "price": "1" } ], "accounts": [] }""", "$.assets[0].ltv", "above the liquidation threshold")]
    [InlineData("""{ "assets": [ { "symbol": "ETH", "decimals": 18, "ltv": "0.8", "liquidationThreshold": "0.8", "liquidationBonus": "0.05" } ], "accounts": [] }""", "$.assets[0]", "either \"price\" or \"prices\"")]
    [InlineData("""{ "assets": [ ASSET ], "accounts": [ { "id": "a", "collateral": [ { "chain": "eip155:1", "asset": "DOGE", "amount": "1" } ] } ] }""", "$.accounts[0].collateral[0].asset", "unknown asset 'DOGE'")]
    [InlineData("""{ "assets": [ ASSET ], "accounts": [ { "id": "a", "debt": [ { "asset": "ETH", "amount": "-1" } ] } ] }""", "$.accounts[0].debt[0].amount", "negative")]
    [InlineData("""{ "assets": [ ASSET ], "accounts": [ { "id": "a", "collateral": [ { "chain": "eth", "asset": "ETH", "amount": "1" } ] } ] }""", "$.accounts[0].collateral[0].chain", "not a chain id")]
    [InlineData("""{ "assets": [ ASSET ], "accounts": [ { "id": "a" }, { "id": "a" } ] }""", "$.accounts", "'a' appears twice")]
    [InlineData("""{ "assets": [ ASSET, ASSET ], "accounts": [] }""", "$.assets[1].symbol", "defined twice")]
    [InlineData("""{ "assets": [ ASSET ], "accounts": [ { "id": "a", "collateral": [ { "chain": "eip155:1", "asset": "ETH", "amount": "0.0000000000000000001" } ] } ] }""", "$.accounts[0].collateral[0].amount", "more than 18 decimal places")]
    [InlineData("""{ "assets": [ ASSET ] }""", "$", "\"accounts\" is missing")]
    [InlineData("""{ "params": { "insuranceFundShare": "1.5" }, "assets": [ ASSET ], "accounts": [] }""", "$.params.insuranceFundShare", "")]
    [InlineData("""{ "params": { "insuranceFund": { "DOGE": "1" } }, "assets": [ ASSET ], "accounts": [] }""", "$.params.insuranceFund", "unknown asset 'DOGE'")]
    [InlineData("""{ "params": { "insuranceFund": { "ETH": "-1" } }, "assets": [ ASSET ], "accounts": [] }""", "$.params.insuranceFund.ETH", "")]
    [InlineData("""{ "params": { "insuranceFund": { "ETH": "0.0000000000000000001" } }, "assets": [ ASSET ], "accounts": [] }""", "$.params.insuranceFund.ETH", "more digits than ETH's 18 decimals")]
    [InlineData("""{ "params": { "hedging": { "ETH": { "band": { "min": "10", "max": "-10" }, "costBasisPoints": "5" } } }, "assets": [ ASSET ], "accounts": [] }""", "$.params.hedging.ETH.band", "the minimum 10 is above the maximum -10")]
    [InlineData("""{ "params": { "hedging": { "ETH": { "band": { "min": "-10", "max": "10" }, "instrument": "option", "costBasisPoints": "5" } } }, "assets": [ ASSET ], "accounts": [] }""", "$.params.hedging.ETH.instrument", "'option' is not perp or spot")]
    [InlineData("""{ "params": { "hedging": { "ETH": { "band": { "min": "-10", "max": "10" } } } }, "assets": [ ASSET ], "accounts": [] }""", "$.params.hedging.ETH", "costBasisPoints")]
    // What margin cannot value is refused where it is written, not met as an overflow in the evaluation.
    [InlineData("""{ "assets": [ { "symbol": "BTC", "decimals": 8, "ltv": "0.7", "liquidationThreshold": "0.75", "liquidationBonus": "0.05", "price": "10000000000000000000000000" } ], "accounts": [] }""", "$.assets[0].price", "above the largest price valued")]
    [InlineData("""{ "assets": [ { "symbol": "BTC", "decimals": 8, "ltv": "0.7", "liquidationThreshold": "0.75", "liquidationBonus": "0.05", "prices": [ { "source": "x", "price": "1000000000000.1", "timestamp": "2026-11-24T11:59:50Z" } ] } ], "accounts": [] }""", "$.assets[0].prices[0].price", "above the largest price valued")]
    [InlineData("""{ "assets": [ { "symbol": "USDC", "decimals": 6, "ltv": "0.8", "liquidationThreshold": "0.85", "liquidationBonus": "0.05", "price": "1" } ], "accounts": [ { "id": "a", "debt": [ { "asset": "USDC", "amount": "10000000000000000000000" } ] } ] }""", "$.accounts[0].debt[0].amount", "too large to value")]
    [InlineData("""{ "params": { "warningHealthFactor": "5000" }, "assets": [ ASSET ], "accounts": [] }""", "$.params.warningHealthFactor", "above 1000")]
    [InlineData("""{ "params": { "perps": { "ETH": { "maintenanceMarginRate": "0.05" } } }, "assets": [ ASSET ], "accounts": [ { "id": "a", "isolated": [ { "id": "p", "perps": [ { "market": "ETH-PERP", "size": "-10000000000000000", "entryPrice": "2000", "markPrice": "2000", "maintenanceMarginRate": "0.05" } ] } ] } ] }""", "$.accounts[0].isolated[0].perps[0].size", "whole units or more")]
    [InlineData("""{ "params": { "perps": { "ETH": { "maintenanceMarginRate": "0.05" } } }, "assets": [ ASSET ], "accounts": [ { "id": "a", "isolated": [ { "id": "p", "perps": [ { "market": "ETH-PERP", "size": "1", "entryPrice": "2000", "markPrice": "2000000000000000", "maintenanceMarginRate": "0.05" } ] } ] } ] }""", "$.accounts[0].isolated[0].perps[0].markPrice", "above the largest price valued")]
    public void Bad_input_names_the_path_and_the_problem(string json, string path, string problem)
    {
        var error = Assert.Throws<InputException>(() => ScenarioJson.Parse(json.Replace("ASSET", Asset), "s.json"));
        Assert.Equal(path, error.Field);
        Assert.Contains(problem, error.Message);
        Assert.Equal("s.json", error.File);
    }

    [Fact]
    public void The_insurance_fund_and_the_hedging_policies_are_read_from_params()
    {
        var settings = ScenarioJson.Parse("""
            { "params": { "insuranceFundShare": "0.1", "insuranceFund": { "ETH": "2.5" }, "hedging": { "ETH": { "band": { "min": "-5", "max": 7 }, "instrument": "spot", "costBasisPoints": 3 } } },
              "assets": [ ASSET ], "accounts": [] }
            """.Replace("ASSET", Asset, StringComparison.Ordinal), "s.json").Settings;
        var eth = new Core.Assets.AssetId("ETH");
        Assert.Equal((0.1m, 2.5m), (settings.InsuranceFundShare, settings.InsuranceFund[eth]));
        Assert.Equal(new Hedging.HedgePolicy(-5m, 7m, Hedging.HedgeInstrument.Spot, 3m), settings.Hedging[eth]);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var error = Assert.Throws<InputException>(() => ScenarioJson.Parse("{\n  \"assets\": [\n  oops ]\n}", "s.json"));
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Numbers_may_be_json_numbers_or_strings_and_are_read_exactly()
    {
        var scenario = ScenarioJson.Parse("""{ "assets": [ { "symbol": "ETH", "decimals": 18, "ltv": 0.8, "liquidationThreshold": "0.825", "liquidationBonus": 0.05, "price": 2000.123456789012345678 } ], "accounts": [] }""", "s.json");
        Assert.Equal(2000.123456789012345678m, scenario.ResolveMarket()[new Core.Assets.AssetId("ETH")].Price);
        Assert.Equal(0.8m, scenario.Assets[0].Risk.Ltv);
    }
}
