using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Engine.Risk;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>The risk role's insurance fund: applied once by id, covering what is outstanding, kept on disk.</summary>
public sealed class InsuranceFundBookTests : IDisposable
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("aggregator-fund-");

    private string StatePath => Path.Combine(_directory.FullName, "insurance-fund.json");

    private static Dictionary<AssetId, Amount> Start(ulong usdc) => new() { [Usdc] = new Amount(usdc, 6) };

    [Fact]
    public void A_deficit_draws_the_fund_of_its_asset_and_what_is_left_is_outstanding()
    {
        // The stress test's example: 947.619048 USDC against a fund of 500.
        var fund = new InsuranceFundBook(Start(500_000_000), StatePath);
        var changed = fund.RecordDeficit("deficit:liq-1:USDC", Usdc, new Amount(947_619_048, 6), At)!;
        Assert.Equal((BigInteger.Zero, new BigInteger(500_000_000), BigInteger.Zero, new BigInteger(447_619_048)),
            (changed.Credited.BaseUnits, changed.Drawn.BaseUnits, changed.Balance.BaseUnits, changed.DeficitOutstanding.BaseUnits));
        // A later fee in the same asset pays what is outstanding first.
        var fee = fund.Credit("liq-2", Usdc, new Amount(100_000_000, 6), At)!;
        Assert.Equal((new BigInteger(100_000_000), new BigInteger(100_000_000), BigInteger.Zero, new BigInteger(347_619_048)),
            (fee.Credited.BaseUnits, fee.Drawn.BaseUnits, fee.Balance.BaseUnits, fee.DeficitOutstanding.BaseUnits));
    }

    [Fact]
    public void Each_liquidation_and_each_deficit_is_applied_once()
    {
        var fund = new InsuranceFundBook(Start(0), StatePath);
        Assert.NotNull(fund.Credit("liq-1", Eth, new Amount(5, 18), At));
        Assert.Null(fund.Credit("liq-1", Eth, new Amount(5, 18), At));
        Assert.NotNull(fund.RecordDeficit("deficit:liq-1:USDC", Usdc, new Amount(7, 6), At));
        Assert.Null(fund.RecordDeficit("deficit:liq-1:USDC", Usdc, new Amount(7, 6), At));
        // A liquidation and a deficit do not share ids: "x" as both is two events.
        Assert.NotNull(fund.RecordDeficit("liq-1", Eth, new Amount(1, 18), At));
        Assert.Equal(new BigInteger(4), fund.Of(Eth).Balance);
        Assert.Equal(new BigInteger(7), fund.Of(Usdc).Outstanding);
    }

    [Fact]
    public void The_fund_survives_a_restart_and_its_starting_balance_is_not_taken_again()
    {
        var fund = new InsuranceFundBook(Start(500_000_000), StatePath);
        fund.RecordDeficit("d1", Usdc, new Amount(200_000_000, 6), At);
        fund.Credit("liq-1", Eth, new Amount(9, 18), At);

        var restarted = new InsuranceFundBook(Start(999_000_000), StatePath);
        Assert.Equal(new BigInteger(300_000_000), restarted.Of(Usdc).Balance);
        Assert.Equal(new BigInteger(9), restarted.Of(Eth).Credited);
        Assert.Null(restarted.RecordDeficit("d1", Usdc, new Amount(200_000_000, 6), At)); // remembered
        Assert.Empty(Directory.GetFiles(_directory.FullName, "*.tmp*")); // written, then renamed
    }

    [Fact]
    public void A_corrupt_state_stops_the_start_naming_the_file_and_other_decimals_are_refused()
    {
        File.WriteAllText(StatePath, "{ \"assets\": ");
        Assert.Equal(StatePath, Assert.Throws<InputException>(() => new InsuranceFundBook(Start(0), StatePath)).File);
        File.Delete(StatePath);
        var fund = new InsuranceFundBook(Start(0), StatePath);
        Assert.Contains("counts it in 6", Assert.Throws<InputException>(() => fund.Credit("liq-1", Usdc, new Amount(1, 18), At)).Message, StringComparison.Ordinal);
        Assert.NotNull(fund.Credit("liq-2", Usdc, new Amount(1, 6), At)); // the right decimals are taken
    }

    [Theory]
    [InlineData("""{ "assets": { "USDC": { "decimals": 6, "balance": "a lot" } }, "applied": [] }""")]
    [InlineData("""{ "assets": { "USDC": { "decimals": 6, "balance": "-5" } }, "applied": [] }""")]
    [InlineData("""{ "assets": null, "applied": [] }""")]
    public void A_hand_edited_state_whose_figures_are_not_counts_is_refused_at_start_naming_the_file(string state)
    {
        File.WriteAllText(StatePath, state);
        var refused = Assert.Throws<InputException>(() => new InsuranceFundBook(Start(0), StatePath));
        Assert.Equal(StatePath, refused.File);
        Assert.Contains("the insurance fund's state is corrupt", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
