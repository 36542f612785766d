using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Positions;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Live;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Tests.Live;

public class CrossMarginBookTests
{
    private static readonly ChainId[] Chains = [ChainId.Parse("eip155:1"), ChainId.Parse("eip155:42161"), ChainId.Parse("solana:mainnet")];
    private static readonly AssetId[] Assets = [new("ETH"), new("BTC"), new("USDC")];
    private static readonly int[] Decimals = [18, 8, 6];

    private static MarketState Market() =>
        ScenarioFixtures.WithAccounts("[]", """ "chains": [{ "id": "eip155:42161", "haircuts": { "ETH": "0.02", "USDC": "0.01" } }], """).ResolveMarket();

    private static decimal? Rounded(decimal? value) => value is { } v ? decimal.Round(v, 18) : null;

    [Fact]
    public void Every_update_leaves_each_account_as_the_evaluator_would_see_it()
    {
        var random = new Random(12);
        var market = Market();
        const int accounts = 200;
        var book = new CrossMarginBook(market, Chains, Assets, accounts);
        var collateral = new UInt128[accounts, Chains.Length, Assets.Length];
        var debt = new UInt128[accounts, Assets.Length];
        var prices = market.Assets.ToDictionary(a => a.Id, a => a.Price);

        for (var step = 0; step < 3000; step++)
        {
            var account = random.Next(accounts);
            switch (random.Next(10))
            {
                case < 6:
                    var (c, a) = (random.Next(Chains.Length), random.Next(Assets.Length));
                    collateral[account, c, a] = (UInt128)random.NextInt64(0, 20) * Pow10(Decimals[a] - 1) + (UInt128)random.NextInt64(1000);
                    book.SetCollateral(account, c, a, collateral[account, c, a]);
                    break;
                case < 9:
                    var d = random.Next(Assets.Length);
                    debt[account, d] = (UInt128)random.NextInt64(0, 30000) * Pow10(Decimals[d]) / 2000;
                    book.SetDebt(account, d, debt[account, d]);
                    break;
                default:
                    var p = random.Next(Assets.Length);
                    prices[Assets[p]] *= 0.9m + random.Next(21) / 100m;
                    book.SetPrice(p, prices[Assets[p]]);
                    break;
            }
        }

        var repriced = market.WithPrices(prices);
        var liquidatable = 0;
        for (var account = 0; account < accounts; account++)
        {
            var pool = new MarginPositions(
                [.. from c in Enumerable.Range(0, Chains.Length) from a in Enumerable.Range(0, Assets.Length)
                    select new CollateralPosition(Chains[c], Assets[a], new Amount((System.Numerics.BigInteger)collateral[account, c, a], Decimals[a]))],
                [.. Enumerable.Range(0, Assets.Length).Select(a => new Debt(Assets[a], new Amount((System.Numerics.BigInteger)debt[account, a], Decimals[a])))],
                []);
            var expected = PoolEvaluator.Evaluate(pool, repriced, isolated: false);
            Assert.Equal(Rounded(expected.HealthFactor), Rounded(book.HealthFactor(account)));
            Assert.Equal(expected.Status, book.Status(account));
            liquidatable += expected.Status is MarginStatus.Liquidatable or MarginStatus.Insolvent ? 1 : 0;
        }
        Assert.InRange(liquidatable, 1, accounts - 1); // the random walk reached both sides of HF 1
    }

    [Fact]
    public void A_price_tick_moves_only_the_holders_of_that_asset()
    {
        var book = new CrossMarginBook(Market(), Chains, Assets, 3);
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

        book.SetPrice(0, 1500m, frozen: true);
        Assert.Equal(MarginStatus.Frozen, book.Status(0));
    }

    [Fact]
    public void Haircuts_apply_per_chain()
    {
        var book = new CrossMarginBook(Market(), Chains, Assets, 1);
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
        var one = new CrossMarginBook(Market(), Chains, Assets, accounts);
        var batched = new CrossMarginBook(Market(), Chains, Assets, accounts);
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
    public void Out_of_range_indexes_are_rejected_before_anything_changes()
    {
        var book = new CrossMarginBook(Market(), Chains, Assets, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => book.SetCollateral(2, 0, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => book.SetCollateral(0, 3, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => book.SetCollateral([new CollateralChange(0, 0, 0, 5), new CollateralChange(0, 0, 9, 1)]));
        Assert.Equal(0m, book.WeightedCollateral(0));
    }
}
