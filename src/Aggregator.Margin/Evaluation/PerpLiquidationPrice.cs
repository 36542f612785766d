namespace Aggregator.Margin.Evaluation;

/// <summary>The mark price of a perp at which its pool's equity equals its maintenance margin, if any.</summary>
public sealed record PerpLiquidationPrice(string Market, decimal? Price);
