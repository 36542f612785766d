using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;

namespace Aggregator.Messages;

/// <summary>
/// The risk role moved the insurance fund of <paramref name="Asset"/> for <paramref name="Cause"/> (a
/// liquidation's entry id or a deficit's id): <paramref name="Credited"/> paid in, <paramref name="Drawn"/>
/// paid out to cover deficits, leaving <paramref name="Balance"/> in the fund and
/// <paramref name="DeficitOutstanding"/> uncovered (left to the institution until fees cover it). Base units.
/// </summary>
public sealed record InsuranceFundChanged(
    string Cause,
    AssetId Asset,
    Amount Credited,
    Amount Drawn,
    Amount Balance,
    Amount DeficitOutstanding,
    DateTimeOffset At)
{
    /// <summary>For a perp shortfall: the part the fund could not cover, passed to auto-deleveraging (never outstanding).</summary>
    public Amount? Deleveraged { get; init; }
}
