using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>An asset's price as the engine uses it (the median of its fresh sources), the oracle's status (docs/margin.md, "Oracles"), and each source's last quote.</summary>
public sealed record AssetQuote(AssetId Asset, decimal Price, string Status, IReadOnlyList<PriceObservation> Sources);
