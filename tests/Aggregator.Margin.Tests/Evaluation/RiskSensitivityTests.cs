using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Positions;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Markets;
using Aggregator.Margin.Scenarios;

namespace Aggregator.Margin.Tests.Evaluation;

/// <summary>
/// Risk sensitivity: known answers worked by hand on the documented example (docs/margin.md, "Risk
/// sensitivity"), and on random pools the analytic Delta and Gamma against finite differences of the
/// evaluator itself, the liquidation price against a re-evaluation there.
/// </summary>
public class RiskSensitivityTests
{
    private static readonly AssetId Eth = new("ETH"), Usdc = new("USDC"), Btc = new("BTC"), Sol = new("SOL");

    private static (PoolRisk Cross, Scenario Scenario) Risk(string account)
    {
        var scenario = ScenarioFixtures.Example();
        return (RiskSensitivity.Of(scenario.Accounts.Single(a => a.Id == account), scenario.ResolveMarket()).Cross, scenario);
    }

    private static AssetRisk Of(PoolRisk risk, AssetId asset) => risk.Assets.Single(a => a.Asset == asset);

    [Fact]
    public void Alice_10_ETH_owing_12000_USDC()
    {
        // W = 10 · 2000 · 0.825 = 16500, R = 12000, HF = 1.375; W' (ETH) = 10 · 0.825 = 8.25, R' (USDC) = 12000.
        var (risk, _) = Risk("alice");
        Assert.Equal(2.5m, risk.EffectiveLeverage); // 20000 / (20000 − 12000)
        var eth = Of(risk, Eth);
        Assert.Equal((8.25m, 0m), (eth.WeightedSlope, eth.RequirementSlope));
        Assert.Equal(0.0006875m, eth.Delta); // 8.25 / 12000
        Assert.Equal(0m, eth.Gamma); // HF is linear in ETH: R does not move with it
        Assert.Equal(0.01375m, eth.HealthChangeUp1Percent); // 20 · 8.25 / 12000
        Assert.Equal(-0.01375m, eth.HealthChangeDown1Percent);
        Assert.Equal(1454.545454545454545m, decimal.Round(eth.LiquidationPrice!.Value, 15)); // 12000 / 8.25
        var usdc = Of(risk, Usdc);
        Assert.Equal(-1.375m, usdc.Delta); // −W / R at P = 1
        Assert.Equal(2.75m, usdc.Gamma); // 2W / R at P = 1
        Assert.Equal(16500m / 12120m - 1.375m, usdc.HealthChangeUp1Percent); // exact, not linearized
        Assert.Equal(1.375m, usdc.LiquidationPrice); // a USDC worth 1.375 makes the debt 16500
        // The nearest single-asset move to HF 1: ETH −27.27% (USDC would need +37.5%).
        Assert.Equal(Eth, risk.LargestMoveSurvived!.Value.Asset);
        Assert.Equal(-0.2727272727m, decimal.Round(risk.LargestMoveSurvived.Value.Move, 10));
    }

    [Fact]
    public void Erin_20000_USDC_and_a_10_ETH_PERP_long_moves_with_ETH_through_its_mark()
    {
        // W = 20000 · 0.88 + 10 · (2000 − 2100) = 16600, R = 10 · 2000 · 0.05 = 1000, HF = 16.6.
        // In ETH: W' = size · mark / P = 10, R' = |size| · mmr · mark / P = 0.5.
        var (risk, _) = Risk("erin");
        var eth = Of(risk, Eth);
        Assert.Equal((10m, 0.5m), (eth.WeightedSlope, eth.RequirementSlope));
        Assert.Equal(0.0017m, eth.Delta); // (10 − 16.6 · 0.5) / 1000
        Assert.Equal(-0.0000017m, eth.Gamma); // −2 · 0.0017 · 0.5 / 1000
        // HF = 1 where 16600 + 10 (P − 2000) = 1000 + 0.5 (P − 2000): P = 2000 − 15600 / 9.5.
        Assert.Equal(357.894736842105m, decimal.Round(eth.LiquidationPrice!.Value, 12));
        // Exposure 20000 + 10 · 2000 over equity 20000 − 1000.
        Assert.Equal(40000m / 19000m, risk.EffectiveLeverage);
    }

    [Fact]
    public void A_pool_already_liquidatable_survives_no_move_and_an_insolvent_one_has_no_leverage()
    {
        var (carol, _) = Risk("carol");
        Assert.Equal((null, 0m), carol.LargestMoveSurvived!.Value);
        var (dave, _) = Risk("dave");
        Assert.Null(dave.EffectiveLeverage); // 2000 of ETH against 2500 owed: no equity
    }

    [Fact]
    public void Without_a_requirement_there_is_no_delta_and_no_liquidation_price()
    {
        var scenario = ScenarioFixtures.WithAccounts("""[{ "id": "x", "collateral": [{ "chain": "eip155:1", "asset": "ETH", "amount": "3" }] }]""");
        var risk = RiskSensitivity.Of(scenario.Accounts[0], scenario.ResolveMarket()).Cross;
        var eth = Of(risk, Eth);
        Assert.Null(eth.Delta);
        Assert.Null(eth.LiquidationPrice);
        Assert.Null(risk.LargestMoveSurvived);
        Assert.Equal(1m, risk.EffectiveLeverage);
    }

    [Fact]
    public void On_random_pools_the_analytic_delta_and_gamma_agree_with_finite_differences_of_the_evaluator()
    {
        var random = new Random(25);
        var scenario = ScenarioFixtures.WithAccounts("[]", """
            "chains": [{ "id": "eip155:42161", "haircuts": { "ETH": "0.02" } }],
            """);
        var market = scenario.ResolveMarket();
        var checkedLiquidations = 0;
        for (var i = 0; i < 200; i++)
        {
            var pool = RandomPool(random, market);
            var risk = RiskSensitivity.Of(pool, market);
            foreach (var asset in risk.Assets.Where(a => a.Delta is not null))
            {
                // Central differences over ±h·P, the perps re-marked with the asset.
                var price = asset.Price;
                var h = price * 0.000001m;
                decimal Hf(decimal p) => PoolEvaluator.Evaluate(Remark(pool, asset.Asset, p / price), Move(market, asset.Asset, p), isolated: false).HealthFactor!.Value;
                var (up, now, down) = (Hf(price + h), Hf(price), Hf(price - h));
                var delta = (up - down) / (2 * h);
                var gamma = (up - (2 * now) + down) / (h * h);
                Assert.True(Close(asset.Delta!.Value, delta, 1e-6), $"pool {i}, {asset.Asset}: delta {asset.Delta} against {delta}");
                Assert.True(Close(asset.Gamma!.Value, gamma, 1e-3), $"pool {i}, {asset.Asset}: gamma {asset.Gamma} against {gamma}");
                // The exact 1% change is the evaluator's at 1.01 P.
                Assert.Equal(Hf(price * 1.01m) - now, asset.HealthChangeUp1Percent!.Value, 20);
                if (asset.LiquidationPrice is { } at)
                {
                    Assert.Equal(1m, Hf(at), 12);
                    checkedLiquidations++;
                }
            }
        }
        Assert.True(checkedLiquidations > 100, $"only {checkedLiquidations} liquidation prices were checked");
    }

    private static bool Close(decimal expected, decimal actual, double relative) =>
        Math.Abs((double)(expected - actual)) <= (relative * Math.Max(Math.Abs((double)expected), 1e-9)) + 1e-12;

    // A pool of random collateral (two chains, one with a haircut), debts and perps on the market's assets.
    private static MarginPositions RandomPool(Random random, MarketState market)
    {
        AssetId[] assets = [Eth, Btc, Usdc];
        var collateral = Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
        {
            var asset = assets[random.Next(assets.Length)];
            return new CollateralPosition(random.Next(2) == 0 ? ChainId.Evm(1) : ChainId.Evm(42161), asset, Units(random, market[asset]));
        }).ToArray();
        var debts = Enumerable.Range(0, random.Next(1, 3)).Select(_ => assets[random.Next(assets.Length)]).Distinct()
            .Select(asset => new Debt(asset, Units(random, market[asset]))).ToArray();
        var perps = random.Next(2) == 0
            ? [new PerpPosition("ETH-PERP", (random.Next(2) == 0 ? 1 : -1) * random.Next(1, 20), 1900 + random.Next(200), 2000, 0.05m)]
            : Array.Empty<PerpPosition>();
        return new MarginPositions(collateral, debts, perps);
    }

    private static Amount Units(Random random, AssetState asset) =>
        new(new System.Numerics.BigInteger(random.NextInt64(1, 20_000) * 1_000_000 / (long)asset.Price) * (System.Numerics.BigInteger)(asset.UnitScale / 1_000_000m), asset.Decimals);

    private static MarketState Move(MarketState market, AssetId asset, decimal price) =>
        market.WithPrices(market.Assets.ToDictionary(a => a.Id, a => a.Id == asset ? price : a.Price));

    private static MarginPositions Remark(MarginPositions pool, AssetId asset, decimal factor) =>
        pool with { Perps = pool.Perps.Select(p => p.Market.Split('-')[0] == asset.Symbol ? p with { MarkPrice = p.MarkPrice * factor } : p).ToArray() };
}
