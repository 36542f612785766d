using Aggregator.Core.Errors;

namespace Aggregator.Commitment.Tests;

public class LedgerCsvTests
{
    private static readonly CommitmentParameters Parameters = CommitmentFixtures.Parameters("BTC:8,ETH:8,USDC:6", 10);

    [Fact]
    public void Columns_in_any_order_map_to_the_assets_order_and_round_up()
    {
        var rows = CommitmentFixtures.Ledger(Parameters, "account,USDC,BTC,ETH\nalice,1.5,0.000000001,\n\"b,ob\",,,2\n");
        Assert.Equal("alice", rows[0].AccountId);
        Assert.Equal([1UL, 0UL, 1_500_000UL], rows[0].Balances);
        Assert.Equal("b,ob", rows[1].AccountId);
        Assert.Equal([0UL, 200_000_000UL, 0UL], rows[1].Balances);
    }

    [Theory]
    [InlineData("account,BTC,ETH\na,1,2\n", 1, "no column for asset(s) USDC")]
    [InlineData("account,BTC,ETH,USDC,SOL\na,1,2,3,4\n", 1, "column 'SOL' is not one of the assets")]
    [InlineData("account,BTC,ETH,BTC,USDC\n", 1, "column 'BTC' appears twice")]
    [InlineData("id,BTC,ETH,USDC\n", 1, "the first column must be 'account'")]
    [InlineData("account,BTC,ETH,USDC\na,1,2,3\nb,-1,2,3\n", 3, "negative")]
    [InlineData("account,BTC,ETH,USDC\na,1,two,3\n", 2, "not a decimal number")]
    [InlineData("account,BTC,ETH,USDC\n,1,2,3\n", 2, "account id is missing")]
    [InlineData("account,BTC,ETH,USDC\na,1,2,3\nb,1,2,3\na,4,5,6\n", 4, "already appears on line 2")]
    [InlineData("account,BTC,ETH,USDC\na,1,2\n", 2, "the row has 3 fields but the header has 4")]
    [InlineData("account,BTC,ETH,USDC\na,1,2,18446744073709.551616\n", 2, "2^64 - 1")]
    [InlineData("account,BTC,ETH,USDC\n\"a,1,2,3\n", 2, "quoted field is not closed")]
    [InlineData("account,BTC,ETH,USDC\n", 0, "no account rows")]
    public void Bad_input_names_the_file_line_and_problem(string csv, int line, string problem)
    {
        var error = Assert.Throws<InputException>(() => CommitmentFixtures.Ledger(Parameters, csv));
        Assert.Contains(problem, error.Message);
        Assert.Equal("test.csv", error.File);
        Assert.Equal(line == 0 ? null : line, error.Line);
    }

    [Fact]
    public void Bad_amount_names_the_column()
    {
        var error = Assert.Throws<InputException>(() => CommitmentFixtures.Ledger(Parameters, "account,BTC,ETH,USDC\na,1,2,1e3\n"));
        Assert.Equal("column 4 (USDC)", error.Field);
        Assert.StartsWith("test.csv:2, column 4 (USDC): ", error.Message);
    }

    [Fact]
    public void The_largest_leaf_balance_is_2_to_the_64_minus_1()
    {
        var rows = CommitmentFixtures.Ledger(Parameters, "account,BTC,ETH,USDC\na,,,18446744073709.551615\n");
        Assert.Equal(ulong.MaxValue, rows[0].Balances[2]);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<InputException>(() => LedgerCsv.Read("/nonexistent/ledger.csv", Parameters));
        Assert.Equal("/nonexistent/ledger.csv", error.File);
    }
}
