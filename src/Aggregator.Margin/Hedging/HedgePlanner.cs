using Aggregator.Core.Assets;
using Aggregator.Core.Errors;

namespace Aggregator.Margin.Hedging;

/// <summary>How a hedge is traded: a perpetual future on the asset, or the asset itself.</summary>
public enum HedgeInstrument
{
    Perp,
    Spot,
}

/// <summary>
/// One asset's exposure as the institution stands (whole units): what it owes accounts, what it holds
/// (its reserves), its desk's spot holdings and perp size (long positive), with the band its net value
/// must stay in (quote currency), the instrument it hedges with and that instrument's cost in basis
/// points of the notional (fees and expected slippage).
/// </summary>
public sealed record AssetExposure(
    AssetId Asset, int Decimals, decimal Price, decimal Owed, decimal Held, decimal DeskSpot, decimal DeskPerp,
    decimal BandMin, decimal BandMax, HedgeInstrument Instrument, decimal CostBasisPoints)
{
    /// <summary>What accounts owe the institution in the asset (their debts): a claim on it, so long the asset; never sold.</summary>
    public decimal Lent { get; init; }

    /// <summary>Net units: held + desk spot + desk perps + lent − owed (positive: the institution is long the asset).</summary>
    public decimal NetUnits => Held + DeskSpot + DeskPerp + Lent - Owed;

    public decimal NetValue => NetUnits * Price;
}

/// <summary>A proposed order, for a desk or an execution service to carry out (never executed here).</summary>
public sealed record HedgeProposal(
    AssetId Asset, HedgeInstrument Instrument, bool Buy, decimal Size, decimal Price, decimal Notional, decimal Cost, decimal NetValueBefore, decimal NetValueAfter);

/// <summary>
/// Hedging proposals (docs/margin.md, "Hedging"): for each asset whose net exposure is outside its band,
/// the smallest order in its instrument that brings it back to the nearest edge, sized in whole units
/// rounded up to the asset's decimals (so it lands inside), priced at the oracle price, with its cost.
/// An asset within its band gets no proposal. A spot sale is capped at what the institution holds beyond
/// what it owes; the rest of the hedge is a perp short.
/// </summary>
public static class HedgePlanner
{
    /// <exception cref="InputException">A band whose minimum is above its maximum, a price not positive, a negative cost or amount.</exception>
    public static IReadOnlyList<HedgeProposal> Propose(IEnumerable<AssetExposure> exposures)
    {
        ArgumentNullException.ThrowIfNull(exposures);
        var proposals = new List<HedgeProposal>();
        foreach (var exposure in exposures)
        {
            Validate(exposure);
            var value = exposure.NetValue;
            var target = value > exposure.BandMax ? exposure.BandMax : value < exposure.BandMin ? exposure.BandMin : value;
            if (target == value)
            {
                continue;
            }
            var scale = Pow10(exposure.Decimals);
            var size = decimal.Ceiling(Math.Abs(value - target) / exposure.Price * scale) / scale;
            var buy = target > value;
            if (exposure.Instrument == HedgeInstrument.Spot && !buy)
            {
                // A spot sale never takes what the institution holds below what it owes the accounts (the
                // reserves the solvency proof counts): beyond the excess, the hedge is a perp short.
                var excess = Math.Max(0, decimal.Floor((exposure.Held + exposure.DeskSpot - exposure.Owed) * scale) / scale);
                var spot = Math.Min(size, excess);
                if (spot > 0)
                {
                    value = Add(proposals, exposure, HedgeInstrument.Spot, buy, spot, value);
                }
                if (size - spot > 0)
                {
                    Add(proposals, exposure, HedgeInstrument.Perp, buy, size - spot, value);
                }
                continue;
            }
            Add(proposals, exposure, exposure.Instrument, buy, size, value);
        }
        return proposals;
    }

    // The order, priced at the oracle price with the instrument's cost; returns the net value after it.
    private static decimal Add(List<HedgeProposal> proposals, AssetExposure exposure, HedgeInstrument instrument, bool buy, decimal size, decimal value)
    {
        var notional = size * exposure.Price;
        var after = value + (buy ? notional : -notional);
        proposals.Add(new HedgeProposal(exposure.Asset, instrument, buy, size, exposure.Price, notional, notional * exposure.CostBasisPoints / 10_000m, value, after));
        return after;
    }

    private static void Validate(AssetExposure exposure)
    {
        var field = exposure.Asset.Symbol;
        if (exposure.BandMin > exposure.BandMax)
        {
            throw new InputException($"the band's minimum {exposure.BandMin} is above its maximum {exposure.BandMax}", field: field);
        }
        if (exposure.Price <= 0)
        {
            throw new InputException($"the price {exposure.Price} is not positive", field: field);
        }
        if (exposure.CostBasisPoints < 0 || exposure.Owed < 0 || exposure.Held < 0 || exposure.DeskSpot < 0 || exposure.Lent < 0)
        {
            throw new InputException("owed, held, lent, desk spot and the cost are not negative", field: field);
        }
        // The engine's bounds (docs/margin.md, "Numbers"): every value then stays inside decimal's range.
        if (exposure.Price > MaxPrice || new[] { exposure.Owed, exposure.Held, exposure.DeskSpot, exposure.Lent, Math.Abs(exposure.DeskPerp) }.Any(units => units >= MaxUnits)
            || Math.Abs(exposure.BandMin) >= MaxUnits * MaxPrice || Math.Abs(exposure.BandMax) >= MaxUnits * MaxPrice)
        {
            throw new InputException("a price above 10^12, an amount of 10^15 units or more, or a band beyond their product", field: field);
        }
        if (exposure.Decimals is < 0 or > 28)
        {
            throw new InputException($"{exposure.Decimals} decimals", field: field);
        }
    }

    private const decimal MaxPrice = Live.CrossMarginBook.MaxPrice;
    private const decimal MaxUnits = Live.CrossMarginBook.MaxWholeUnits;

    private static decimal Pow10(int decimals)
    {
        var scale = 1m;
        for (var i = 0; i < decimals; i++)
        {
            scale *= 10;
        }
        return scale;
    }
}
