using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Margin.Live;
using Aggregator.Margin.Markets;

namespace Aggregator.Host.Engine;

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
