namespace Aggregator.Messages;

/// <summary>
/// Every liquidation plan of one engine write, in one message (one per account would cost more than
/// planning them). On the wire the list is one compact binary string (<see cref="CompactPlansJsonConverter"/>).
/// </summary>
public sealed record LiquidationsPlanned(
    [property: System.Text.Json.Serialization.JsonConverter(typeof(CompactPlansJsonConverter))] IReadOnlyList<LiquidationPlanned> Plans);
