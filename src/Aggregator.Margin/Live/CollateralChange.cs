namespace Aggregator.Margin.Live;

/// <summary>A new collateral balance of one account, chain and asset (indexes into the book), in base units.</summary>
public readonly record struct CollateralChange(int Account, int Chain, int Asset, UInt128 BaseUnits);
