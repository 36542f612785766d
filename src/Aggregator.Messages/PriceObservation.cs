using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>One source's price of an asset in the quote currency, as of <paramref name="At"/> (the source's time, not the reader's).</summary>
public sealed record PriceObservation(AssetId Asset, string Source, decimal Price, DateTimeOffset At);
