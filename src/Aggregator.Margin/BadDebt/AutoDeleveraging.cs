using Aggregator.Core.Positions;

namespace Aggregator.Margin.BadDebt;

/// <summary>
/// Auto-deleveraging of perps (docs/margin.md, "Auto-deleveraging"): when a pool's perp losses exceed
/// its margin and the insurance fund cannot cover the rest, part of each losing perp is closed at its
/// bankruptcy price against the opposite positions of other pools, taken in the order the major
/// exchanges use: profit percentage times effective leverage, highest first (MEXC's and Deepcoin's
/// published ranking; dYdX and Hyperliquid rank by the same two figures). Ranks are for ordering only:
/// they never change an amount.
/// </summary>
public static class AutoDeleveraging
{
    /// <summary>An open perp of a solvent pool, with the pool's equity (collateral value + unrealized PnL − debt value).</summary>
    public sealed record Candidate(string Pool, PerpPosition Position, decimal Equity);

    /// <summary>The part of a bankrupt pool's perp (marked at <paramref name="MarkPrice"/>) to close: <paramref name="Quantity"/> contracts at <paramref name="BankruptcyPrice"/>.</summary>
    public sealed record Shortfall(string Pool, string Market, decimal Size, decimal MarkPrice, decimal BankruptcyPrice, decimal Quantity);

    /// <summary>One counterparty's position reduced by <paramref name="Quantity"/> contracts (toward zero) at the bankrupt perp's bankruptcy price.</summary>
    public sealed record Reduction(string BankruptPool, string Market, decimal BankruptcyPrice, string Pool, decimal Quantity, decimal Rank);

    /// <summary>
    /// The ranking: with PnL% = size · (mark − entry) / |size · entry| and effective leverage =
    /// |size · mark| / equity, PnL% · leverage for a profitable position and PnL% / leverage for a losing
    /// one (so among losers the least leveraged goes first). Null for a pool with no equity (bankrupt
    /// itself: it is not a counterparty) or a position without size or entry.
    /// </summary>
    public static decimal? Rank(PerpPosition position, decimal equity)
    {
        ArgumentNullException.ThrowIfNull(position);
        var entryValue = Math.Abs(position.Size * position.EntryPrice);
        var markValue = Math.Abs(position.Size * position.MarkPrice);
        if (equity <= 0 || entryValue == 0 || markValue == 0)
        {
            return null;
        }
        var pnlShare = position.UnrealizedPnl / entryValue;
        // An equity of a few base units under a large position takes the leverage (and a winner's rank)
        // past decimal's range: it ranks as the largest there is, rather than failing the whole ranking.
        var leverage = Saturating(markValue, equity, multiply: false);
        return pnlShare >= 0 ? Saturating(pnlShare, leverage, multiply: true) : pnlShare / leverage;
    }

    // a·b or a/b for non-negative a and positive b, decimal.MaxValue where the result passes decimal's range.
    private static decimal Saturating(decimal a, decimal b, bool multiply)
    {
        try
        {
            return multiply ? a * b : a / b;
        }
        catch (OverflowException)
        {
            return decimal.MaxValue;
        }
    }

    /// <summary>
    /// A pool's perp shortfall: the part of its negative equity its perp losses make, beyond what its debts'
    /// deficit (<paramref name="debtDeficit"/>, once its collateral is gone) already counts: min(−pnl,
    /// −equity − debtDeficit), and 0 when either is not positive.
    /// </summary>
    public static decimal PerpShortfall(decimal pnl, decimal equity, decimal debtDeficit) =>
        Math.Min(Math.Max(0, -pnl), Math.Max(0, -equity - debtDeficit));

    /// <summary>
    /// The candidates in the order auto-deleveraging takes them: highest <see cref="Rank"/> first, ties by
    /// pool name (ordinal); a candidate without a rank is left out. The one order for every caller, so that
    /// partitions choosing their best and the owner merging them agree.
    /// </summary>
    public static IEnumerable<(Candidate Candidate, decimal Rank)> Ranked(IEnumerable<Candidate> candidates) =>
        candidates
            .Select(c => (Candidate: c, Rank: Rank(c.Position, c.Equity)))
            .Where(c => c.Rank is not null)
            .Select(c => (c.Candidate, c.Rank!.Value))
            .OrderByDescending(c => c.Value).ThenBy(c => c.Candidate.Pool, StringComparer.Ordinal);

    /// <summary>
    /// A bankrupt pool's losing perps, each with what must be closed: with shortfall S (the part of the
    /// pool's negative equity its perp losses make) split over the losing perps in proportion to their
    /// losses (S_i), each perp's bankruptcy price is mark + sign(size) · S_i / |size|, the mark at which its
    /// share of the loss is exactly its margin; the fund absorbed <paramref name="covered"/> of S, so the
    /// fraction (S − covered) / S of each losing perp is closed there.
    /// </summary>
    public static IReadOnlyList<Shortfall> Shortfalls(string pool, IReadOnlyList<PerpPosition> perps, decimal shortfall, decimal covered)
    {
        ArgumentNullException.ThrowIfNull(perps);
        var losing = perps.Where(p => p.UnrealizedPnl < 0 && p.Size != 0).ToArray();
        var losses = losing.Sum(p => -p.UnrealizedPnl);
        if (shortfall <= 0 || covered >= shortfall || losses == 0)
        {
            return [];
        }
        var fraction = (shortfall - covered) / shortfall;
        return [.. losing.Select(p =>
        {
            var share = shortfall * -p.UnrealizedPnl / losses;
            return new Shortfall(pool, p.Market, p.Size, p.MarkPrice, p.MarkPrice + Math.Sign(p.Size) * share / Math.Abs(p.Size), Math.Abs(p.Size) * fraction);
        })];
    }

    /// <summary>
    /// Closes each shortfall against the opposite positions in its market, highest rank first (ties by
    /// pool name, ordinal), each reduced by at most its remaining size. <paramref name="remaining"/> holds
    /// each candidate's size left (keyed by the candidate): a position reduced for one shortfall has less
    /// for the next. Returns the reductions and, per shortfall, the quantity no counterparty could take.
    /// </summary>
    public static (IReadOnlyList<Reduction> Reductions, decimal Unfilled) Close(Shortfall shortfall, IReadOnlyList<Candidate> candidates, Dictionary<Candidate, decimal> remaining)
    {
        ArgumentNullException.ThrowIfNull(shortfall);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(remaining);
        var ranked = Ranked(candidates.Where(c => c.Position.Market == shortfall.Market && Math.Sign(c.Position.Size) == -Math.Sign(shortfall.Size) && c.Pool != shortfall.Pool));
        var left = shortfall.Quantity;
        var reductions = new List<Reduction>();
        foreach (var (candidate, rank) in ranked)
        {
            if (left <= 0)
            {
                break;
            }
            var size = remaining.TryGetValue(candidate, out var known) ? known : Math.Abs(candidate.Position.Size);
            var take = Math.Min(size, left);
            if (take <= 0)
            {
                continue;
            }
            remaining[candidate] = size - take;
            left -= take;
            reductions.Add(new Reduction(shortfall.Pool, shortfall.Market, shortfall.BankruptcyPrice, candidate.Pool, take, rank));
        }
        return (reductions, left);
    }
}
