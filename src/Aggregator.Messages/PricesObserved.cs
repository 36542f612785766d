namespace Aggregator.Messages;

/// <summary>Prices read from their sources (feeds or configuration), each with the source's own timestamp.</summary>
public sealed record PricesObserved(IReadOnlyList<PriceObservation> Prices);
