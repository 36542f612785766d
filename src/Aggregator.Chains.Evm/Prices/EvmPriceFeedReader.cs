using System.Numerics;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Risk;
using Nethereum.Contracts;
using Nethereum.Contracts.QueryHandlers.MultiCall;
using Nethereum.Contracts.Standards.ERC20.ContractDefinition;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Web3;

namespace Aggregator.Chains.Evm.Prices;

/// <summary>A Chainlink-style feed (AggregatorV3Interface) quoting an asset in the quote currency.</summary>
public sealed record PriceFeedSource(AssetId Asset, string Address);

/// <summary>A feed's reading: its asset and quote, or why it gave none.</summary>
public sealed record FeedReading(AssetId Asset, string Source, PriceQuote? Quote, string? Failure);

/// <summary>
/// Reads Chainlink-style feeds on one EVM chain in one Multicall3 sweep (decimals() and latestRoundData()
/// of each): price = answer / 10^decimals, exact, as of the feed's updatedAt. A feed whose call fails,
/// whose answer is not positive or does not fit a decimal is reported, never guessed.
/// </summary>
public sealed class EvmPriceFeedReader
{
    private readonly IWeb3 _web3;
    private readonly string _chain;
    private readonly string _multicall3;
    private readonly IReadOnlyList<PriceFeedSource> _feeds;
    private readonly ResilientCalls _calls;

    // The last second a DateTimeOffset holds: a later updatedAt is reported, not a crash of the oracle.
    private static readonly BigInteger MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>The name a feed's quotes carry as their source: the chain and the feed's address.</summary>
    public static string SourceName(ChainId chain, string feedAddress) => SourceName(chain.ToString(), feedAddress);

    private static string SourceName(string chain, string feedAddress) => $"{chain}/{feedAddress}";

    public EvmPriceFeedReader(IWeb3 web3, ChainId chain, string multicall3Address, IReadOnlyList<PriceFeedSource> feeds, RpcResilienceOptions? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(feeds);
        _web3 = web3;
        _chain = chain.ToString();
        _multicall3 = multicall3Address;
        _feeds = feeds;
        _calls = new ResilientCalls(_chain, resilience);
    }

    public async Task<IReadOnlyList<FeedReading>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var calls = _feeds.SelectMany(f => new[]
        {
            new Call3 { Target = f.Address, AllowFailure = true, CallData = new DecimalsFunction().GetCallData() },
            new Call3 { Target = f.Address, AllowFailure = true, CallData = new LatestRoundDataFunction().GetCallData() },
        }).ToList();
        var handler = _web3.Eth.GetContractQueryHandler<Aggregate3Function>();
        var output = await _calls.RunAsync(
            () => handler.QueryDeserializingToObjectAsync<Aggregate3OutputDTO>(new Aggregate3Function { Calls = calls }, _multicall3),
            "the price feeds", cancellationToken).ConfigureAwait(false);
        if (output.ReturnData.Count != calls.Count)
        {
            throw new ChainReadFailedException($"{_chain}: Multicall3 answered {output.ReturnData.Count} results for {calls.Count} calls");
        }
        var readings = new List<FeedReading>(_feeds.Count);
        for (var i = 0; i < _feeds.Count; i++)
        {
            var (feed, decimalsResult, roundResult) = (_feeds[i], output.ReturnData[2 * i], output.ReturnData[2 * i + 1]);
            FeedReading Failed(string reason) => new(feed.Asset, SourceName(_chain, feed.Address), null, reason);
            if (!decimalsResult.Success || decimalsResult.ReturnData.Length != 32 || !roundResult.Success || roundResult.ReturnData.Length != 160)
            {
                readings.Add(Failed("the feed's decimals() or latestRoundData() failed"));
                continue;
            }
            var decimals = new BigInteger(decimalsResult.ReturnData, isUnsigned: true, isBigEndian: true);
            var round = new LatestRoundDataOutput().DecodeOutput(roundResult.ReturnData.ToHex(true));
            if (round.Answer <= 0 || decimals > 28 || round.Answer >= BigInteger.Pow(2, 96) || round.UpdatedAt > MaxUnixSeconds)
            {
                readings.Add(Failed($"answer {round.Answer} at {decimals} decimals, updated at {round.UpdatedAt}, is not a positive price at a representable time"));
                continue;
            }
            var price = (decimal)round.Answer / (decimal)BigInteger.Pow(10, (int)decimals);
            var source = SourceName(_chain, feed.Address);
            readings.Add(new FeedReading(feed.Asset, source, new PriceQuote(source, price, DateTimeOffset.FromUnixTimeSeconds((long)round.UpdatedAt)), null));
        }
        return readings;
    }
}
