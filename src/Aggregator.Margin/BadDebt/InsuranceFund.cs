using Aggregator.Core.Assets;
using Aggregator.Core.Errors;

namespace Aggregator.Margin.BadDebt;

/// <summary>
/// The institution's insurance fund, one balance per asset in whole units (docs/margin.md, "Bad debt").
/// It grows only by executed liquidations: <see cref="FeeShare"/> of the liquidation bonus, in the seized
/// asset (Aave's protocol fee). It shrinks only by covering a deficit of the same asset: what a pool still
/// owes once its collateral is exhausted. What it cannot cover is left to the institution.
/// </summary>
public sealed class InsuranceFund
{
    private readonly Dictionary<AssetId, decimal> _balances;

    /// <exception cref="InputException">A fee share outside [0, 1], or a negative balance.</exception>
    public InsuranceFund(IReadOnlyDictionary<AssetId, decimal> balances, decimal feeShare)
    {
        ArgumentNullException.ThrowIfNull(balances);
        if (feeShare is < 0 or > 1)
        {
            throw new InputException($"the fund's share of the liquidation bonus is {feeShare}; it is a fraction from 0 to 1", field: "feeShare");
        }
        foreach (var (asset, balance) in balances.Where(b => b.Value < 0))
        {
            throw new InputException($"the fund's {asset} balance is {balance}; a balance is not negative", field: "fund");
        }
        (_balances, FeeShare) = (new Dictionary<AssetId, decimal>(balances), feeShare);
    }

    /// <summary>The fund's share of each liquidation bonus, from 0 to 1.</summary>
    public decimal FeeShare { get; }

    public IReadOnlyDictionary<AssetId, decimal> Balances => _balances;

    /// <summary>
    /// An executed liquidation that seized <paramref name="seized"/> whole units of an asset with
    /// liquidation bonus <paramref name="bonus"/>: of the seized amount, seized · bonus / (1 + bonus) is
    /// the bonus, and the fund takes <see cref="FeeShare"/> of it. Returns what it took.
    /// </summary>
    public decimal CreditLiquidation(AssetId asset, decimal seized, decimal bonus)
    {
        var fee = seized * bonus / (1 + bonus) * FeeShare;
        if (fee > 0)
        {
            _balances[asset] = Balance(asset) + fee;
        }
        return fee;
    }

    /// <summary>Covers what it can of a deficit in <paramref name="asset"/>: returns what it drew and what is left uncovered.</summary>
    public (decimal Drawn, decimal Left) Cover(AssetId asset, decimal deficit)
    {
        var drawn = Math.Min(Balance(asset), Math.Max(0, deficit));
        if (drawn > 0)
        {
            _balances[asset] = Balance(asset) - drawn;
        }
        return (drawn, Math.Max(0, deficit) - drawn);
    }

    public decimal Balance(AssetId asset) => _balances.TryGetValue(asset, out var balance) ? balance : 0;

    /// <summary>
    /// The live fund's fee, in base units of the seized asset: floor(seized · bonus / (1 + bonus) · share),
    /// computed exactly (the rule of <see cref="CreditLiquidation"/>, rounded down: the fund never books
    /// more than the liquidation paid).
    /// </summary>
    public static System.Numerics.BigInteger FeeBaseUnits(System.Numerics.BigInteger seized, decimal bonus, decimal share)
    {
        if (seized.Sign <= 0 || bonus <= 0 || share <= 0)
        {
            return System.Numerics.BigInteger.Zero;
        }
        var (bonusUnits, bonusScale) = Exact(bonus);
        var (shareUnits, shareScale) = Exact(share);
        // bonus / (1 + bonus) = b / (scale + b), with bonus = b / scale.
        return seized * bonusUnits * shareUnits / ((bonusScale + bonusUnits) * shareScale);
    }

    // A decimal as an integer over a power of ten, exactly.
    private static (System.Numerics.BigInteger Units, System.Numerics.BigInteger Scale) Exact(decimal value)
    {
        var scale = System.Numerics.BigInteger.Pow(10, value.Scale);
        return (System.Numerics.BigInteger.Parse(value.ToString(System.Globalization.CultureInfo.InvariantCulture).Replace(".", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture), scale);
    }
}
