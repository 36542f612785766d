using Aggregator.Commitment;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Observations;
using Aggregator.Messages;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Prover.Tests;

/// <summary>How the prover turns the deposit balances it read into leaf rows, and what stops a close.</summary>
public class EpochRowsTests
{
    private static readonly CommitmentParameters Parameters = new(20, [new CommitmentAsset(Eth, 8), new CommitmentAsset(new AssetId("BTC"), 8), new CommitmentAsset(Usdc, 6)]);

    private static readonly ProverAccount[] Accounts =
    [
        new("a", [(Ethereum, Address(0)), (Solana, "So1anaDepositA")]),
        new("b", [(Ethereum, Address(1))]),
        new("c", []),
    ];

    private static ObservationBatch Evm(params (int Address, AssetId Asset, UInt128 BaseUnits, int Decimals)[] balances) =>
        new(Ethereum, 10, "0xa", [.. balances.Select(b => new BalanceObservation(Address(b.Address), b.Asset, new Amount(b.BaseUnits, b.Decimals))),
            new BalanceObservation("0x00000000000000000000000000000000000000aa", Eth, new Amount(5_000, 18))], []); // a reserve address, read in the same call

    [Fact]
    public void Rows_sum_each_accounts_deposits_over_the_chains_to_the_wei_and_round_up_to_proof_units()
    {
        var wei = 1_234_567_890_123_456_789UL;
        var rows = EpochCloser.Rows(Parameters, Accounts,
        [
            Evm((0, Eth, wei, 18), (1, Usdc, 7, 6), (1, new AssetId("BTC"), 3, 8)),
            new(Solana, 99, "slot-99", [new BalanceObservation("So1anaDepositA", Eth, new Amount(1, 18))], []),
        ]);
        Assert.Equal(["a", "b", "c"], rows.Select(r => r.AccountId));
        // 1.234567890123456789 ETH and 1 wei on Solana: 123456789.0123456790 proof units, rounded up, never down.
        Assert.Equal([123_456_790UL, 0, 0], rows[0].Balances);
        Assert.Equal([0UL, 3, 7], rows[1].Balances);
        Assert.Equal([0UL, 0, 0], rows[2].Balances); // an account with no deposit address is owed nothing, and is still in the tree
        // The reserve address's 5,000 wei went to no account.
        Assert.Equal(123_456_790UL, rows.Sum(r => (decimal)r.Balances[0]));
    }

    [Fact]
    public void Addresses_are_matched_without_case_on_evm_and_exactly_on_solana()
    {
        var rows = EpochCloser.Rows(Parameters, Accounts,
        [
            new(Ethereum, 10, "0xa", [new BalanceObservation(Address(1).ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), Usdc, new Amount(9, 6))], []),
            new(Solana, 99, "slot-99", [new BalanceObservation("so1anadeposita", Eth, new Amount(100_000_000_000, 18))], []),
        ]);
        Assert.Equal([0UL, 0, 9], rows[1].Balances);
        Assert.Equal([0UL, 0, 0], rows[0].Balances);
    }

    [Theory]
    [InlineData("unread", "1 deposit balances could not be read (first: " )]
    [InlineData("uncommitted", "which the commitment does not list")]
    [InlineData("overflow", "a leaf holds at most 2^64 - 1")]
    [InlineData("decimals", "is read in 18 decimals on one chain and 8 on")]
    [InlineData("shared", "belongs to two accounts")]
    public void A_close_stops_when_the_books_do_not_add_up(string fault, string expected)
    {
        var accounts = fault == "shared" ? [.. Accounts, new ProverAccount("d", [(Ethereum, Address(0).ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal))])] : Accounts;
        ObservationBatch[] books = fault switch
        {
            "unread" => [Evm((0, Eth, 1, 18)) with { Failures = [new ReadFailure(Usdc, Address(1), "node timeout")] }],
            "uncommitted" => [Evm((0, new AssetId("DOGE"), 1, 8))],
            "overflow" => [Evm((0, Usdc, UInt128.MaxValue, 6))],
            "decimals" => [Evm((0, Eth, 1, 18)), new(Solana, 99, "slot-99", [new BalanceObservation("So1anaDepositA", Eth, new Amount(1, 8))], [])],
            _ => [Evm((0, Eth, 1, 18))],
        };
        var error = Assert.Throws<EpochCloseException>(() => EpochCloser.Rows(Parameters, accounts, books));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_on_a_reserve_address_is_not_the_books_problem()
    {
        var rows = EpochCloser.Rows(Parameters, Accounts, [Evm((0, Eth, 1, 18)) with { Failures = [new ReadFailure(Eth, "0x00000000000000000000000000000000000000aa", "node timeout")] }]);
        Assert.Equal(3, rows.Count);
    }

    [Fact]
    public void A_snapshot_below_the_heights_of_an_earlier_epoch_is_named_and_one_at_or_above_them_is_not()
    {
        Commitment.EpochManifest.HeightEntry[] previous = [new(Ethereum.ToString(), 50, "0x32"), new(Solana.ToString(), 9000, "")];
        Assert.Null(EpochCloser.Behind([new AppliedBlock(Ethereum, 50, "0x32"), new AppliedBlock(Solana, 9001, "")], previous));
        Assert.Equal($"{Ethereum} at height 49, below 50", EpochCloser.Behind([new AppliedBlock(Ethereum, 49, "0x31"), new AppliedBlock(Solana, 9001, "")], previous));
        Assert.Null(EpochCloser.Behind([new AppliedBlock(Ethereum, 51, "0x33")], previous)); // a chain no longer followed is not a floor
    }
}
