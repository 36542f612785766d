using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Positions;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Live;
using Aggregator.Margin.Markets;
using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Tests.Live;

public class CrossMarginBookTests
{
    private static readonly ChainId[] Chains = [ChainId.Parse("eip155:1"), ChainId.Parse("eip155:42161"), ChainId.Parse("solana:mainnet")];
    private static readonly AssetId[] Assets = [new("ETH"), new("BTC"), new("USDC")];
    private static readonly int[] Decimals = [18, 8, 6];

    // Arbitrum: small haircuts; Solana: ETH there (a bridged form) counts for nothing toward health.
    private static MarketState Market() =>
        ScenarioFixtures.WithAccounts("[]", """ "params": { "perps": { "ETH": { "maintenanceMarginRate": "0.03" }, "BTC": { "maintenanceMarginRate": "0.05" } } }, "chains": [{ "id": "eip155:42161", "haircuts": { "ETH": "0.02", "USDC": "0.01" } }, { "id": "solana:mainnet", "haircuts": { "ETH": "1" } }], """).ResolveMarket();

    // A book over the test's chains and assets with accounts "account-0", "account-1", ...
    private static CrossMarginBook Book(MarketState market, int accounts)
    {
        var book = new CrossMarginBook(market, Chains, Assets);
        for (var account = 0; account < accounts; account++)
        {
            Assert.Equal(account, book.AddAccount($"account-{account}"));
        }
        return book;
    }

    [Fact]
    public void A_holding_beyond_2_to_the_96_base_units_is_valued_to_the_last_base_unit()
    {
        // 10^11 ETH and 4 · 10^11 wei (beyond 2^96 wei) weigh 2,000 · 0.825 = 1,650 a unit: exactly
        // 165,000,000,000,000.000660 USDC, so that debt leaves the health factor at 1 exactly.
        var market = Market();
        var book = Book(market, 1);
        var held = UInt128.Parse("100000000000000000400000000000", System.Globalization.CultureInfo.InvariantCulture);
        var owed = UInt128.Parse("165000000000000000660", System.Globalization.CultureInfo.InvariantCulture);
        book.SetCollateral(0, 0, 0, held);
        book.SetDebt(0, 2, owed);
        Assert.Equal(1m, book.HealthFactor(0));
        Assert.Equal(MarginStatus.MarginCall, book.Status(0));
        book.SetDebt(0, 2, owed + 1); // one base unit more owed
        Assert.Equal(MarginStatus.Liquidatable, book.Status(0));
        book.SetDebt(0, 2, owed);
        book.SetCollateral(0, 0, 0, held - 1); // or one wei less held
        Assert.Equal(MarginStatus.Liquidatable, book.Status(0));
        var pool = book.CrossPositions(0);
        Assert.Equal(MarginStatus.Liquidatable, PoolEvaluator.Evaluate(pool, book.Market, isolated: false).Status);
        Assert.Equal(held - 1, book.HeldBaseUnits(0, 0));
    }

    [Fact]
    public void Every_update_leaves_each_account_as_the_evaluator_would_see_it()
    {
        var random = new Random(12);
        var market = Market();
        const int accounts = 200;
        var book = Book(market, accounts);
        var collateral = new UInt128[accounts, Chains.Length, Assets.Length];
        var debt = new UInt128[accounts, Assets.Length];
        var perps = new (int Asset, decimal Size, decimal Entry)[accounts][];
        var isolated = new Dictionary<string, MarginPositions>[accounts];
        for (var account = 0; account < accounts; account++)
        {
            perps[account] = [];
            isolated[account] = [];
        }
        var expectedMarket = market;

        for (var step = 0; step < 4000; step++)
        {
            var account = random.Next(accounts);
            switch (random.Next(20))
            {
                case < 10:
                    var (c, a) = (random.Next(Chains.Length), random.Next(Assets.Length));
                    collateral[account, c, a] = RandomCollateral(random, a);
                    book.SetCollateral(account, c, a, collateral[account, c, a]);
                    break;
                case < 15:
                    var d = random.Next(Assets.Length);
                    debt[account, d] = RandomDebt(random, d);
                    book.SetDebt(account, d, debt[account, d]);
                    break;
                case 15:
                    // A live perp on ETH or BTC (size 0 closes it), marked by the book at each tick's price.
                    var (perpAsset, size) = (random.Next(4) == 0 ? 1 : 0, random.Next(-5, 6) / 2m);
                    var entry = expectedMarket[Assets[perpAsset]].Price * (0.8m + random.Next(41) / 100m);
                    perps[account] = size == 0 ? [.. perps[account].Where(x => x.Asset != perpAsset)] : [.. perps[account].Where(x => x.Asset != perpAsset), (perpAsset, size, entry)];
                    book.SetPerp(account, perpAsset, size, entry);
                    break;
                case 16:
                    var id = $"iso-{random.Next(2)}";
                    if (random.Next(4) == 0)
                    {
                        isolated[account].Remove(id);
                        book.SetIsolated(account, id, null);
                    }
                    else
                    {
                        var pool = new MarginPositions(
                            [new CollateralPosition(Chains[random.Next(Chains.Length)], Assets[0], new Amount((System.Numerics.BigInteger)RandomCollateral(random, 0), Decimals[0]))],
                            [new Debt(Assets[2], new Amount((System.Numerics.BigInteger)RandomDebt(random, 2), Decimals[2]))],
                            random.Next(2) == 0 ? [] : [RandomPerp(random)]);
                        isolated[account][id] = pool;
                        book.SetIsolated(account, id, pool);
                    }
                    break;
                default:
                    // A price tick; one in four freezes the asset (a stale or deviating oracle), the next may thaw it.
                    var p = random.Next(Assets.Length);
                    var price = expectedMarket[Assets[p]].Price * (0.9m + random.Next(21) / 100m);
                    var status = random.Next(4) == 0 ? OracleStatus.Stale : OracleStatus.Ok;
                    expectedMarket = expectedMarket.WithQuote(Assets[p], price, status);
                    book.SetPrice(p, price, status);
                    break;
            }
        }

        // Compared twice: on a frozen BTC oracle (with fresh ETH and USDC ones), so BTC's holders, debtors
        // and perps are frozen whatever the walk left; then with every oracle fresh, so the rest of the
        // ladder shows.
        var seen = new HashSet<MarginStatus>();
        foreach (var btcStatus in new[] { OracleStatus.Deviation, OracleStatus.Ok })
        {
            foreach (var (asset, status) in new[] { (1, btcStatus), (0, OracleStatus.Ok), (2, OracleStatus.Ok) })
            {
                expectedMarket = expectedMarket.WithQuote(Assets[asset], expectedMarket[Assets[asset]].Price, status);
                book.SetPrice(asset, expectedMarket[Assets[asset]].Price, status);
            }
            for (var account = 0; account < accounts; account++)
            {
                var pool = new MarginPositions(
                    [.. from c in Enumerable.Range(0, Chains.Length) from a in Enumerable.Range(0, Assets.Length)
                        select new CollateralPosition(Chains[c], Assets[a], new Amount((System.Numerics.BigInteger)collateral[account, c, a], Decimals[a]))],
                    [.. Enumerable.Range(0, Assets.Length).Select(a => new Debt(Assets[a], new Amount((System.Numerics.BigInteger)debt[account, a], Decimals[a])))],
                    [.. perps[account].Select(x => new PerpPosition(CrossMarginBook.PerpMarket(Assets[x.Asset]), x.Size, x.Entry, expectedMarket[Assets[x.Asset]].Price, market.Settings.PerpMaintenanceMarginRates[Assets[x.Asset]]))]);
                var expected = PoolEvaluator.Evaluate(pool, expectedMarket, isolated: false);
                // The same sums to the last 10^-36: the same figures, not merely close ones.
                Assert.Equal(expected.HealthFactor, book.HealthFactor(account));
                Assert.Equal(expected.WeightedCollateral, book.WeightedCollateral(account));
                Assert.Equal(expected.Requirement, book.Requirement(account));
                Assert.Equal(expected.Status, book.Status(account));
                Assert.Equal(pool.Perps.ToHashSet(), book.CrossPositions(account).Perps.ToHashSet());
                seen.Add(expected.Status);
                foreach (var (id, isolatedPool) in isolated[account])
                {
                    var expectedIsolated = PoolEvaluator.Evaluate(isolatedPool, expectedMarket, isolated: true);
                    var actual = book.Isolated(account, id)!;
                    Assert.Equal(expectedIsolated.Status, actual.Status);
                    Assert.Equal(expectedIsolated.HealthFactor, actual.HealthFactor);
                }
            }
        }
        // The walk reached frozen, healthy and liquidatable (or insolvent) accounts, and perps on both assets.
        Assert.Contains(MarginStatus.Frozen, seen);
        Assert.Contains(MarginStatus.Healthy, seen);
        Assert.True(seen.Contains(MarginStatus.Liquidatable) || seen.Contains(MarginStatus.Insolvent));
        Assert.Equal([0, 1], perps.SelectMany(p => p).Select(p => p.Asset).Distinct().Order());
    }

    [Fact]
    public void A_live_perp_is_marked_by_each_tick_of_its_asset_and_a_frozen_price_freezes_its_pool()
    {
        var book = Book(Market(), 1);
        book.SetCollateral(0, 0, 2, 1_000_000_000);  // 1000 USDC: weighted 880
        book.SetPerp(0, 0, 1m, 2000m);               // long 1 ETH from 2000, maintenance 3%
        Assert.Equal(880m / 60m, book.HealthFactor(0)); // at 2000: no PnL; 60 required
        book.SetPrice(0, 1100m);                      // PnL −900: weighted −20 over 33, equity 100
        Assert.Equal(MarginStatus.Liquidatable, book.Status(0));
        Assert.Equal(-20m / 33m, book.HealthFactor(0));
        book.SetPrice(0, 900m);                       // PnL −1100: equity −100
        Assert.Equal(MarginStatus.Insolvent, book.Status(0));
        Assert.Equal(("ETH-PERP", 1m, 2000m, 900m, 0.03m), book.CrossPositions(0).Perps.Select(p => (p.Market, p.Size, p.EntryPrice, p.MarkPrice, p.MaintenanceMarginRate)).Single());
        book.SetPrice(0, 900m, OracleStatus.Stale);   // the mark cannot be trusted: frozen, not insolvent
        Assert.Equal(MarginStatus.Frozen, book.Status(0));
        book.SetPrice(0, 2500m);
        book.SetPerp(0, 0, -2m, 2000m);               // short 2 from 2000 at 2500: PnL −1000, equity 0
        Assert.Equal(MarginStatus.Liquidatable, book.Status(0));
        Assert.Equal((-2m, 2000m), book.Perp(0, 0));
        book.SetPerp(0, 0, 0m, 0m);                   // closed
        Assert.False(book.HasPerps(0));
        Assert.Equal(MarginStatus.Healthy, book.Status(0));
        Assert.Throws<ArgumentException>(() => book.SetPerp(0, 2, 1m, 1m)); // the market offers no USDC perp
    }

    [Fact]
    public void Eth_with_a_frozen_price_freezes_the_account_even_where_a_full_haircut_makes_it_count_for_nothing()
    {
        var market = Market();
        var book = Book(market, 1);
        book.SetCollateral(0, 2, 0, 1_000_000_000_000_000_000UL); // 1 ETH on Solana: 100% haircut
        book.SetCollateral(0, 0, 1, 100_000_000);                 // 1 BTC covers the debt
        book.SetDebt(0, 2, 1_000_000_000);                        // 1000 USDC
        book.SetPrice(0, market[Assets[0]].Price, OracleStatus.Stale);
        var pool = new MarginPositions(
            [new CollateralPosition(Chains[2], Assets[0], new Amount(System.Numerics.BigInteger.Pow(10, 18), 18)), new CollateralPosition(Chains[0], Assets[1], new Amount(100_000_000, 8))],
            [new Debt(Assets[2], new Amount(1_000_000_000, 6))],
            []);
        Assert.Equal(MarginStatus.Frozen, PoolEvaluator.Evaluate(pool, book.Market, isolated: false).Status);
        Assert.Equal(MarginStatus.Frozen, book.Status(0));
    }

    [Fact]
    public async Task A_second_concurrent_writer_is_refused()
    {
        var book = Book(Market(), 50_000);
        var changes = Enumerable.Range(0, 50_000).Select(a => new CollateralChange(a, 0, 0, 1)).ToArray();
        var refused = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        void Write(Action write)
        {
            while (Volatile.Read(ref refused) == 0 && DateTime.UtcNow < deadline)
            {
                try
                {
                    write();
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }
        await Task.WhenAll(
            Task.Run(() => Write(() => book.SetCollateral(changes))),
            Task.Run(() => Write(() => book.SetDebt(0, 2, 1))));
        Assert.True(refused > 0);
    }

    private static UInt128 RandomCollateral(Random random, int asset) =>
        (UInt128)random.NextInt64(0, 20) * Pow10(Decimals[asset] - 1) + (UInt128)random.NextInt64(1000);

    private static UInt128 RandomDebt(Random random, int asset) =>
        (UInt128)random.NextInt64(0, 30000) * Pow10(Decimals[asset]) / 2000;

    private static PerpPosition RandomPerp(Random random) =>
        new("ETH-PERP", random.Next(-5, 6) / 2m, 2000m, 1500m + random.Next(1000), 0.03m);

    [Fact]
    public void A_price_tick_moves_only_the_holders_of_that_asset()
    {
        var book = Book(Market(), 3);
        book.SetCollateral(0, 0, 0, 10UL * 1_000_000_000_000_000_000UL); // 10 ETH
        book.SetDebt(0, 2, 12_000_000_000);                              // 12000 USDC
        book.SetCollateral(1, 1, 1, 100_000_000);                         // 1 BTC on Arbitrum
        book.SetDebt(1, 2, 30_000_000_000);
        Assert.Equal(1.375m, book.HealthFactor(0));
        var before = book.HealthFactor(1);

        book.SetPrice(0, 1500m);
        Assert.Equal(1.03125m, book.HealthFactor(0)); // 10 · 1500 · 0.825 / 12000
        Assert.Equal(MarginStatus.MarginCall, book.Status(0));
        Assert.Equal(before, book.HealthFactor(1));
        Assert.Null(book.HealthFactor(2));

        book.SetPrice(0, 1500m, OracleStatus.Stale);
        Assert.Equal(MarginStatus.Frozen, book.Status(0));
    }

    [Fact]
    public void Haircuts_apply_per_chain()
    {
        var book = Book(Market(), 1);
        book.SetCollateral(0, 1, 0, 1_000_000_000_000_000_000UL); // 1 ETH on Arbitrum: 2% haircut
        book.SetDebt(0, 2, 1_000_000_000);                        // 1000 USDC
        Assert.Equal(1.617m, book.HealthFactor(0));               // 2000 · 0.825 · 0.98 / 1000
    }

    private static UInt128 Pow10(int exponent)
    {
        UInt128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }
        return result;
    }

    [Fact]
    public void A_batch_applied_across_cores_equals_the_same_changes_one_by_one()
    {
        var random = new Random(99);
        const int accounts = 500;
        var one = Book(Market(), accounts);
        var batched = Book(Market(), accounts);
        for (var account = 0; account < accounts; account++)
        {
            one.SetDebt(account, 2, 1_000_000_000);
            batched.SetDebt(account, 2, 1_000_000_000);
        }
        var changes = Enumerable.Range(0, 5_000)
            .Select(_ => new CollateralChange(random.Next(accounts), random.Next(Chains.Length), random.Next(2), (UInt128)random.NextInt64(1, 10_000_000)))
            .ToArray();
        foreach (var change in changes)
        {
            one.SetCollateral(change.Account, change.Chain, change.Asset, change.BaseUnits);
        }
        batched.SetCollateral(changes);
        one.SetPrice(1, 30000m);
        batched.SetPrice(1, 30000m);
        for (var account = 0; account < accounts; account++)
        {
            Assert.Equal(one.HealthFactor(account), batched.HealthFactor(account));
            Assert.Equal(one.Status(account), batched.Status(account));
        }
        Assert.Contains(Enumerable.Range(0, accounts), a => batched.Status(a) != MarginStatus.Healthy);
    }

    [Fact]
    public void A_batch_names_the_accounts_whose_holdings_it_moved_and_not_the_others()
    {
        var book = Book(Market(), 600);
        book.SetCollateral([.. Enumerable.Range(0, 600).Select(a => new CollateralChange(a, 0, 0, 100))]);
        // Large enough for both cores: every third account moves, the rest are told what they hold.
        var changes = Enumerable.Range(0, 600).Select(a => new CollateralChange(a, 0, 0, a % 3 == 0 ? 101UL : 100UL)).ToArray();
        var moved = new int[changes.Length];
        var count = book.SetCollateral(changes, moved);
        Assert.Equal(Enumerable.Range(0, 600).Where(a => a % 3 == 0), moved[..count].Order());
        // One account moved on another chain, and on a second asset: named once for each.
        Assert.Equal([7, 7], moved[..book.SetCollateral([new CollateralChange(7, 1, 0, 100), new CollateralChange(7, 0, 1, 5), new CollateralChange(8, 0, 0, 100)], moved)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => book.SetCollateral(changes, new int[10]));
    }

    [Fact]
    public void Out_of_range_indexes_are_rejected_before_anything_changes()
    {
        var book = Book(Market(), 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => book.SetCollateral(2, 0, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => book.SetCollateral(0, 3, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => book.SetCollateral([new CollateralChange(0, 0, 0, 5), new CollateralChange(0, 0, 9, 1)]));
        Assert.Equal(0m, book.WeightedCollateral(0));
    }
}
