namespace Aggregator.Margin.Hedging;

/// <summary>
/// How the institution hedges one asset (the market's <c>params.hedging</c>): the band its net value may
/// carry (quote currency), the instrument it hedges with, and that instrument's cost in basis points of
/// the notional.
/// </summary>
public sealed record HedgePolicy(decimal BandMin, decimal BandMax, HedgeInstrument Instrument, decimal CostBasisPoints);
