using Aggregator.Margin.Scenarios;
using Aggregator.Testing;

namespace Aggregator.Margin.Tests;

internal static class ScenarioFixtures
{
    public const string Assets = """
        "assets": [
          { "symbol": "ETH", "decimals": 18, "ltv": "0.80", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "2000" },
          { "symbol": "BTC", "decimals": 8, "ltv": "0.70", "liquidationThreshold": "0.75", "liquidationBonus": "0.06", "price": "60000" },
          { "symbol": "USDC", "decimals": 6, "ltv": "0.85", "liquidationThreshold": "0.88", "liquidationBonus": "0.04", "price": "1" }
        ]
        """;

    /// <summary>The documented example, docs/examples/margin-scenario.json.</summary>
    public static Scenario Example() =>
        ScenarioJson.Parse(File.ReadAllText(RepositoryPaths.Combine("docs", "examples", "margin-scenario.json")), "margin-scenario.json");

    /// <summary>A scenario with the three standard assets and the given accounts JSON (an array).</summary>
    public static Scenario WithAccounts(string accounts, string extra = "") =>
        ScenarioJson.Parse($$"""{ {{Assets}}, {{extra}} "accounts": {{accounts}} }""", "test.json");
}
