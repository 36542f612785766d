namespace Aggregator.Core.Risk;

/// <summary>One oracle source's price of an asset in the quote currency, and when it was observed.</summary>
public sealed record PriceQuote(string Source, decimal Price, DateTimeOffset Timestamp);
