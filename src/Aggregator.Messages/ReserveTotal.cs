using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>One asset's reserves.</summary>
public sealed record ReserveTotal(AssetId Asset, Amount Amount);
