using Aggregator.Testing;

namespace Aggregator.Cli.Tests.Commands;

/// <summary><c>aggregator risk fund</c>: the insurance fund as the risk role last saved it, from the example configuration.</summary>
public sealed class RiskCommandTests : IDisposable
{
    private readonly DeployConfigFolder _folder = new();

    public RiskCommandTests()
    {
        var main = Path.Combine(_folder.Path, "aggregator.json");
        File.WriteAllText(main, File.ReadAllText(main)
            .Replace("/var/lib/aggregator/state", "state", StringComparison.Ordinal)
            .Replace("/run/secrets/publisher.key", "publisher.key", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Before_the_risk_role_saved_anything_the_fund_is_the_markets_starting_fund()
    {
        var (exit, stdout, stderr) = CliRunner.Run("risk", "fund", "--config", Path.Combine(_folder.Path, "aggregator.json"));
        Assert.True(exit == 0, stderr);
        Assert.Contains("USDC: balance 100000, credited 0, drawn 0, deficits recorded 0, outstanding 0, deleveraged 0", stdout, StringComparison.Ordinal);
        Assert.Contains("ETH: balance 0,", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_saved_fund_is_read_and_a_corrupt_one_is_refused_naming_the_file()
    {
        var state = Directory.CreateDirectory(Path.Combine(_folder.Path, "state")).FullName;
        File.WriteAllText(Path.Combine(state, "insurance-fund.json"), """
            { "assets": { "USDC": { "decimals": 6, "balance": "0", "credited": "0", "drawn": "500000000", "recorded": "947619048", "outstanding": "447619048", "deleveraged": "800000000" } }, "applied": ["deficit:liq-1:USDC"] }
            """);
        var (exit, stdout, stderr) = CliRunner.Run("risk", "fund", "--config", Path.Combine(_folder.Path, "aggregator.json"));
        Assert.True(exit == 0, stderr);
        Assert.Contains("USDC: balance 0, credited 0, drawn 500, deficits recorded 947.619048, outstanding 447.619048, deleveraged 800", stdout, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(state, "insurance-fund.json"), "{ \"assets\": ");
        (exit, stdout, stderr) = CliRunner.Run("risk", "fund", "--config", Path.Combine(_folder.Path, "aggregator.json"));
        Assert.Equal(2, exit);
        Assert.Contains("insurance-fund.json", stderr, StringComparison.Ordinal);
        Assert.Contains("the insurance fund's state is corrupt", stderr, StringComparison.Ordinal);
    }
}
