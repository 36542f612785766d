using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Engine.Risk;

namespace Aggregator.Composition.Configuration;

/// <summary>One asset's insurance fund as the risk role last saved it: balance, paid in, drawn, deficits recorded and still outstanding.</summary>
public sealed record InsuranceFundLine(AssetId Asset, Amount Balance, Amount Credited, Amount Drawn, Amount Recorded, Amount Outstanding, Amount Deleveraged);

/// <summary>
/// The insurance fund the risk role keeps (docs/margin.md, "Live bad debt"), read from its state in the
/// configuration's state directory; the market's starting fund when nothing is saved yet.
/// </summary>
public static class InsuranceFundState
{
    /// <exception cref="Core.Errors.InputException">The state on disk is corrupt.</exception>
    public static IReadOnlyList<InsuranceFundLine> Read(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var settings = RiskSettings.From(config.Engine);
        var fund = new InsuranceFundBook(settings.StartingFund, settings.StateDirectory is null ? null : Path.Combine(settings.StateDirectory, RiskRole.FundFile));
        return [.. config.Engine.Market.Assets.OrderBy(a => a.Id.Symbol, StringComparer.Ordinal).Select(asset =>
        {
            var (balance, credited, drawn, recorded, outstanding) = fund.Of(asset.Id);
            Amount Units(System.Numerics.BigInteger value) => new(value, asset.Decimals);
            return new InsuranceFundLine(asset.Id, Units(balance), Units(credited), Units(drawn), Units(recorded), Units(outstanding), Units(fund.Deleveraged(asset.Id)));
        })];
    }
}
