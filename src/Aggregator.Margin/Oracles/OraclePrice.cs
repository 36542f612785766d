namespace Aggregator.Margin.Oracles;

/// <summary>
/// The price an asset is valued at and whether it can be trusted. A frozen asset still carries the best
/// price known (the median of fresh sources, else of all) so reports can show it, but nothing is
/// liquidated or lent on it.
/// </summary>
public sealed record OraclePrice(decimal Price, OracleStatus Status, int FreshSources)
{
    public bool Frozen => Status != OracleStatus.Ok;
}
