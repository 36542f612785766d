namespace Aggregator.Core.Assets;

/// <summary>An asset and the number of decimals of its base unit (8 for BTC, 18 for ETH, 6 for USDC).</summary>
public sealed record Asset
{
    /// <summary>Creates an asset, validating the decimals.</summary>
    public Asset(AssetId id, int decimals)
    {
        if (decimals is < 0 or > Amounts.Amount.MaxDecimals)
        {
            throw new ArgumentOutOfRangeException(nameof(decimals), decimals, $"decimals must be 0..{Amounts.Amount.MaxDecimals}");
        }
        Id = id;
        Decimals = decimals;
    }

    /// <summary>The asset's symbol.</summary>
    public AssetId Id { get; }

    /// <summary>Decimals of the base unit.</summary>
    public int Decimals { get; }
}
