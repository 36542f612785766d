using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Core.Observations;

/// <summary>
/// What an address owed a lending protocol in an asset at the batch's height, in the asset's base units:
/// coins that sit at a reserve address while the protocol holds a claim on them.
/// <paramref name="Source"/> names the protocol and the contract read ("aave-v3:0x…", "compound-v3:0x…").
/// </summary>
public sealed record DebtObservation(string Address, AssetId Asset, string Source, Amount Amount);
