using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Margin.Hedging;

namespace Aggregator.Margin.Tests;

/// <summary>Hedging proposals: known answers worked by hand (docs/margin.md, "Hedging").</summary>
public class HedgePlannerTests
{
    private static AssetExposure Exposure(string symbol, int decimals, decimal price, decimal owed, decimal held, decimal min, decimal max,
        HedgeInstrument instrument = HedgeInstrument.Perp, decimal bps = 5, decimal deskSpot = 0, decimal deskPerp = 0) =>
        new(new AssetId(symbol), decimals, price, owed, held, deskSpot, deskPerp, min, max, instrument, bps);

    [Fact]
    public void Short_50_ETH_against_a_band_of_50000_buys_25_ETH_perp_for_25_USD()
    {
        // Owes 1,000 ETH, holds 950: net −50 ETH = −100,000 at 2,000; the band's lower edge is −50,000, so buy
        // 50,000 / 2,000 = 25 ETH; 5 bp of 50,000 is 25.
        var proposal = Assert.Single(HedgePlanner.Propose([Exposure("ETH", 18, 2000m, 1000m, 950m, -50_000m, 50_000m)]));
        Assert.Equal((HedgeInstrument.Perp, true, 25m, 50_000m, 25m, -50_000m), (proposal.Instrument, proposal.Buy, proposal.Size, proposal.Notional, proposal.Cost, proposal.NetValueAfter));
    }

    [Fact]
    public void An_exposure_within_its_band_gets_no_proposal() =>
        Assert.Empty(HedgePlanner.Propose([Exposure("BTC", 8, 60_000m, 10m, 10.5m, -50_000m, 50_000m)])); // +30,000

    [Fact]
    public void A_size_is_rounded_up_to_the_assets_decimals_so_the_order_lands_inside_the_band()
    {
        // +1,000 SOL = 150,000 against a maximum of 100,000: sell 333.3333333… SOL, rounded up at 9 decimals.
        var proposal = Assert.Single(HedgePlanner.Propose([Exposure("SOL", 9, 150m, 0m, 1000m, -100_000m, 100_000m, HedgeInstrument.Spot, 10)]));
        Assert.Equal((false, 333.333333334m), (proposal.Buy, proposal.Size));
        Assert.True(proposal.NetValueAfter <= 100_000m);
        Assert.Equal(50_000.0000001m * 10 / 10_000m, proposal.Cost);
    }

    [Fact]
    public void A_spot_sale_never_takes_holdings_below_what_is_owed_the_rest_is_a_perp_short()
    {
        // Owes 100 ETH, holds 110, and the desk is long 40 ETH of perps: net +50 ETH = 100,000 against a maximum
        // of 20,000: sell 40 ETH. Only 10 ETH are held beyond what is owed: sell 10 spot, short 30 by perp.
        var proposals = HedgePlanner.Propose([Exposure("ETH", 18, 2000m, 100m, 110m, -20_000m, 20_000m, HedgeInstrument.Spot, deskPerp: 40m)]);
        Assert.Equal(2, proposals.Count);
        Assert.Equal((HedgeInstrument.Spot, false, 10m), (proposals[0].Instrument, proposals[0].Buy, proposals[0].Size));
        Assert.Equal((HedgeInstrument.Perp, false, 30m, 20_000m), (proposals[1].Instrument, proposals[1].Buy, proposals[1].Size, proposals[1].NetValueAfter));
    }

    [Fact]
    public void A_band_upside_down_or_a_price_not_positive_is_refused_naming_the_asset()
    {
        Assert.Contains("ETH: the band's minimum 10 is above its maximum 5", Assert.Throws<InputException>(() => HedgePlanner.Propose([Exposure("ETH", 18, 2000m, 0m, 0m, 10m, 5m)])).Message, StringComparison.Ordinal);
        Assert.Contains("ETH: the price 0 is not positive", Assert.Throws<InputException>(() => HedgePlanner.Propose([Exposure("ETH", 18, 0m, 0m, 0m, -1m, 1m)])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Figures_beyond_the_engines_bounds_are_refused_not_overflowed()
    {
        Assert.Contains("ETH: a price above 10^12", Assert.Throws<InputException>(() => HedgePlanner.Propose([Exposure("ETH", 18, 79_228_162_514_264_337_593_543_950_335m, 0m, 1000m, -1m, 1m)])).Message, StringComparison.Ordinal);
        Assert.Contains("an amount of 10^15 units or more", Assert.Throws<InputException>(() => HedgePlanner.Propose([Exposure("ETH", 18, 2000m, 0m, 1e15m, -1m, 1m)])).Message, StringComparison.Ordinal);
    }
}
