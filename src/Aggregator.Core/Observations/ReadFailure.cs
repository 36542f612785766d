using Aggregator.Core.Assets;

namespace Aggregator.Core.Observations;

/// <summary>A balance that could not be read (a token whose call reverts, say): reported, never guessed.</summary>
public sealed record ReadFailure(AssetId Asset, string? Address, string Reason);
