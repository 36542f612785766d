using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// The institution's exposure to one asset, whole units: owed to accounts, lent to them, held in reserves,
/// the desk's spot and perp positions; net units = held + deskSpot + deskPerp + lent − owed, net value at <paramref name="Price"/>.
/// </summary>
public sealed record NetExposure(AssetId Asset, decimal Price, decimal Owed, decimal Lent, decimal Held, decimal DeskSpot, decimal DeskPerp, decimal NetUnits, decimal NetValue);
