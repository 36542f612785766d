using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Host.Bus;
using Aggregator.Margin.Live;
using Aggregator.Margin.Markets;

namespace Aggregator.Engine;

/// <summary>
/// What the engine starts from: the market (assets, risk parameters, haircuts), the chains it follows,
/// and the institution's accounts with their deposit addresses on each chain.
/// </summary>
public sealed record EngineSettings(MarketState Market, IReadOnlyList<ChainId> Chains, IReadOnlyList<EngineAccount> Accounts)
{
    /// <summary>Where each replica keeps its ledger journal (<see cref="LedgerJournal"/>); none when null.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>The price sources of each asset the oracle is configured with; quotes from any other are refused. Null takes any (a book built by hand).</summary>
    public IReadOnlySet<(AssetId Asset, string Source)>? PriceSources { get; init; }

    /// <summary>Per chain, how far a batch's height may run ahead of the last one applied (<see cref="HeightAdvance.Default"/> for a chain not named).</summary>
    public IReadOnlyDictionary<ChainId, HeightAdvance> HeightAdvances { get; init; } = new Dictionary<ChainId, HeightAdvance>();

    /// <summary>How often a replica reports its totals per asset to the risk role (<see cref="Messages.ExposureReported"/>).</summary>
    public TimeSpan ExposureInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How far <paramref name="chain"/>'s height may run ahead of the last one applied.</summary>
    public HeightAdvance AdvanceOf(ChainId chain) => HeightAdvances.TryGetValue(chain, out var advance) ? advance : HeightAdvance.Default;

    /// <summary>A book with every account of <paramref name="partition"/> and its deposit addresses in it, and nothing held yet.</summary>
    internal CrossMarginBook CreateBook(EnginePartition partition = default)
    {
        var book = new CrossMarginBook(Market, Chains, [.. Market.Assets.Select(a => a.Id).OrderBy(a => a.Symbol, StringComparer.Ordinal)]);
        foreach (var account in Accounts.Where(a => partition.Count <= 1 || partition.Owns(a.Id)))
        {
            var index = book.AddAccount(account.Id);
            foreach (var (chain, address) in account.Deposits)
            {
                book.AddDepositAddress(index, chain, address);
            }
        }
        book.TakeHealthChanges([]);
        return book;
    }
}

/// <summary>An account of the institution and the addresses whose balances are its collateral.</summary>
public sealed record EngineAccount(string Id, IReadOnlyList<(ChainId Chain, string Address)> Deposits);

/// <summary>
/// How far a chain's height may run ahead of the height last applied: <paramref name="Blocks"/>, plus
/// <paramref name="PerSecond"/> for every second since that batch was applied. A chain cannot advance
/// faster than it makes blocks, so a batch from further ahead is a height the chain has not reached (a
/// compromised adapter's, which would otherwise freeze the chain until it got there); the allowance
/// grows while an adapter is down, so an outage never freezes the chain.
/// </summary>
public sealed record HeightAdvance(ulong Blocks, ulong PerSecond)
{
    /// <summary>1,000 blocks and 10 a second: above any chain's rate today (Ethereum makes one block in 12 s, Solana 2.5 slots a second); set each chain's own.</summary>
    public static readonly HeightAdvance Default = new(1_000, 10);

    /// <summary>The highest height allowed <paramref name="elapsed"/> after <paramref name="applied"/> was applied.</summary>
    public ulong Limit(ulong applied, TimeSpan elapsed)
    {
        var seconds = (UInt128)(ulong)Math.Max(0, Math.Floor(elapsed.TotalSeconds));
        var limit = (UInt128)applied + Blocks + PerSecond * seconds;
        return limit > ulong.MaxValue ? ulong.MaxValue : (ulong)limit;
    }
}
