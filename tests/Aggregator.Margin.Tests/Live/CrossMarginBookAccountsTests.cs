using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Live;
using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Tests.Live;

/// <summary>What an engine service needs of the book: accounts by id and address, added while it runs, and its changes.</summary>
public class CrossMarginBookAccountsTests
{
    private static readonly ChainId Ethereum = ChainId.Parse("eip155:1");
    private static readonly ChainId Solana = ChainId.Parse("solana:mainnet");
    private static readonly ChainId[] Chains = [Ethereum, Solana];
    private static readonly AssetId[] Assets = [new("ETH"), new("BTC"), new("USDC")];
    private const ulong OneEth = 1_000_000_000_000_000_000UL;

    private static CrossMarginBook Book() => new(ScenarioFixtures.WithAccounts("[]").ResolveMarket(), Chains, Assets);

    private static int[] Find(CrossMarginBook book, int chain, params string[] addresses)
    {
        var accounts = new int[addresses.Length];
        book.FindAccounts(chain, addresses, accounts);
        return accounts;
    }

    [Fact]
    public void Many_addresses_are_each_found_as_their_own_account_in_one_batch_and_others_are_not()
    {
        // Enough to grow the address table several times; addresses that differ in one byte only, and
        // random ones, in a batch longer than the lookahead, with misses between them.
        var book = Book();
        var random = new Random(7);
        var addresses = new List<string>();
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[20];
            if (i % 2 == 0)
            {
                random.NextBytes(bytes);
            }
            else
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), i);
            }
            var address = "0x" + Convert.ToHexString(bytes);
            book.AddDepositAddress(book.AddAccount($"a{i}"), Ethereum, i % 3 == 0 ? address.ToLowerInvariant() : address);
            addresses.Add(address);
        }
        var asked = addresses.SelectMany((a, i) => new[] { a, "0x" + (i + 1_000_000).ToString("x40", System.Globalization.CultureInfo.InvariantCulture) }).ToArray();
        var found = Find(book, 0, asked);
        Assert.Equal(Enumerable.Range(0, 20_000).SelectMany(i => new[] { i, -1 }), found);
    }

    [Fact]
    public void Accounts_are_found_by_id_and_by_deposit_address_in_any_case_on_evm()
    {
        var book = Book();
        var alice = book.AddAccount("alice");
        var bob = book.AddAccount("bob");
        book.AddDepositAddress(alice, Ethereum, "0x52908400098527886E0F7030069857D2E4169EE7");
        book.AddDepositAddress(bob, Solana, "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM");

        Assert.Equal([alice, alice], Find(book, 0, "0x52908400098527886e0f7030069857d2e4169ee7", "0X52908400098527886E0F7030069857D2E4169EE7"));
        // One byte off, one character short or long, not hex: another address, or none.
        Assert.Equal([-1, -1, -1, -1], Find(book, 0,
            "0x52908400098527886e0f7030069857d2e4169ee6", "0x52908400098527886e0f7030069857d2e4169ee",
            "0x52908400098527886e0f7030069857d2e4169ee7a", "0x52908400098527886e0f7030069857d2e4169eeg"));
        // An address that is not 20 bytes of hex (a test's shorthand, say) is still found by its spelling.
        var carol = book.AddAccount("carol-evm");
        book.AddDepositAddress(carol, Ethereum, "0xCAFE");
        Assert.Equal([carol, alice], Find(book, 0, "0xcafe", "0x52908400098527886E0F7030069857D2E4169EE7"));
        Assert.Equal([bob], Find(book, 1, "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM"));
        // Solana addresses are case-sensitive base58: another spelling is another address.
        Assert.Equal([-1], Find(book, 1, "9wzdxwbbmkg8ztbnmquxvqrayrzzdsgydlvl9zytawwm"));
        Assert.True(book.TryFindAccount("bob", out var found));
        Assert.True(book.TryFindAccount("bob", out found));
        Assert.Equal(bob, found);
        Assert.Equal("alice", book.AccountId(alice));
        Assert.False(book.TryFindAccount("carol", out _));
    }

    [Fact]
    public void A_deposit_address_of_two_accounts_is_refused_so_its_balance_cannot_count_twice()
    {
        var book = Book();
        var alice = book.AddAccount("alice");
        var bob = book.AddAccount("bob");
        book.AddDepositAddress(alice, Ethereum, "0x52908400098527886e0f7030069857d2e4169ee7");
        var error = Assert.Throws<ArgumentException>(() => book.AddDepositAddress(bob, Ethereum, "0x52908400098527886E0F7030069857D2E4169EE7"));
        Assert.Contains("alice", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => book.AddAccount("alice"));
        Assert.Throws<ArgumentException>(() => book.AddDepositAddress(alice, ChainId.Parse("eip155:10"), "0x52908400098527886e0f7030069857d2e4169ee7"));
    }

    [Fact]
    public void Accounts_added_while_the_book_runs_keep_everyone_s_figures()
    {
        var book = Book();
        var first = book.AddAccount("first");
        book.SetCollateral(first, 0, 0, 10 * OneEth);
        book.SetDebt(first, 2, 12_000_000_000);
        var before = book.HealthFactor(first);
        // Past the first capacity, so the arrays grow under the existing account.
        for (var i = 0; i < 3000; i++)
        {
            var account = book.AddAccount($"later-{i}");
            book.SetCollateral(account, 0, 0, OneEth);
        }
        Assert.Equal(3001, book.AccountCount);
        Assert.Equal(before, book.HealthFactor(first));
        Assert.Null(book.HealthFactor(3000));
        book.SetPrice(0, 1400m);                         // weighted 11550 against 12000 owed
        Assert.Equal(MarginStatus.Liquidatable, book.Status(first));
        Assert.Equal(MarginStatus.Healthy, book.Status(3000));
    }

    [Fact]
    public void Writes_report_each_status_or_band_change_once_and_nothing_else()
    {
        var book = Book();
        var alice = book.AddAccount("alice");
        var bob = book.AddAccount("bob");
        var changes = new List<HealthChange>();
        book.SetCollateral(alice, 0, 0, 10 * OneEth);   // nothing owed: healthy, top band, as added
        book.SetCollateral(bob, 0, 0, OneEth);
        Assert.Equal(0, book.TakeHealthChanges(changes));

        book.SetDebt(alice, 2, 12_000_000_000);          // HF 1.375: still healthy, band [1.25, 1.5)
        Assert.Equal(1, book.TakeHealthChanges(changes));
        Assert.Equal(new HealthChange(alice, null, MarginStatus.Healthy, MarginStatus.Healthy, 3, 1, 1.375m), changes[0]);

        book.SetDebt(alice, 2, 12_100_000_000);          // HF 1.36: the same status and band
        Assert.Equal(0, book.TakeHealthChanges(changes));

        book.SetPrice(0, 1500m);                         // HF 1.02: a margin call; bob owes nothing
        changes.Clear();
        Assert.Equal(1, book.TakeHealthChanges(changes));
        Assert.Equal((alice, MarginStatus.Healthy, MarginStatus.MarginCall, 1, 0), (changes[0].Account, changes[0].PreviousStatus, changes[0].Status, changes[0].PreviousBand, changes[0].Band));

        book.SetPrice(0, 1500m, OracleStatus.Stale);     // both hold ETH: both frozen
        changes.Clear();
        Assert.Equal(2, book.TakeHealthChanges(changes));
        Assert.All(changes, c => Assert.Equal(MarginStatus.Frozen, c.Status));
        Assert.Equal([alice, bob], changes.Select(c => c.Account).Order());
    }

    [Fact]
    public void A_balance_that_moves_the_health_factor_across_bands_reports_each_crossing()
    {
        var book = Book();
        var alice = book.AddAccount("alice");
        var changes = new List<HealthChange>();
        book.SetDebt(alice, 2, 1_000_000_000);           // 1000 USDC owed, nothing held: insolvent
        book.SetCollateral(alice, 0, 0, OneEth);         // HF 1.65
        book.SetCollateral(alice, 0, 0, OneEth + OneEth / 10); // HF 1.815: the same band
        book.SetCollateral(alice, 0, 0, 2 * OneEth);     // HF 3.3
        book.SetCollateral(alice, 0, 0, OneEth * 7 / 10); // HF 1.155
        book.TakeHealthChanges(changes);
        Assert.Equal(
            [(MarginStatus.Insolvent, 0), (MarginStatus.Healthy, 2), (MarginStatus.Healthy, 3), (MarginStatus.Healthy, 0)],
            changes.Select(c => (c.Status, c.Band)));
        Assert.Equal(1.155m, changes[^1].HealthFactor);
    }

    [Fact]
    public void An_isolated_position_reports_its_own_changes()
    {
        var book = Book();
        var alice = book.AddAccount("alice");
        var pool = new Core.Positions.MarginPositions(
            [new Core.Positions.CollateralPosition(Ethereum, Assets[0], new Core.Amounts.Amount(OneEth, 18))],
            [new Core.Positions.Debt(Assets[2], new Core.Amounts.Amount(1_000_000_000, 6))],
            []);
        var changes = new List<HealthChange>();
        book.SetIsolated(alice, "long-eth", pool);        // HF 1.65: band [1.5, 2)
        book.TakeHealthChanges(changes);
        Assert.Equal(("long-eth", 3, 2), (changes.Single().Pool, changes[0].PreviousBand, changes[0].Band));

        book.SetPrice(0, 1000m);                         // HF 0.825
        changes.Clear();
        book.TakeHealthChanges(changes);
        Assert.Equal(("long-eth", MarginStatus.Liquidatable), (changes.Single().Pool, changes[0].Status));
        Assert.Equal(MarginStatus.Healthy, book.Status(alice));
    }

    [Fact]
    public void Bands_must_ascend()
    {
        var market = ScenarioFixtures.WithAccounts("[]").ResolveMarket();
        Assert.Throws<ArgumentException>(() => new CrossMarginBook(market, Chains, Assets, [1.5m, 1.2m]));
        Assert.Throws<ArgumentException>(() => new CrossMarginBook(market, [Ethereum, Ethereum], Assets));
    }
}
