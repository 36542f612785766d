namespace Aggregator.Messages;

/// <summary>
/// Every liquidation plan of one engine write, in one message (one per account would cost more than
/// planning them). On the wire the list is one compact binary string (registered with the bus: docs/messages.md).
/// </summary>
public sealed record LiquidationsPlanned(
    IReadOnlyList<LiquidationPlanned> Plans);
