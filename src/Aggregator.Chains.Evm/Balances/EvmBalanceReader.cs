using System.Numerics;
using Aggregator.Chains.Evm.Multicall;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Nethereum.Contracts;
using Nethereum.Contracts.QueryHandlers.MultiCall;
using Nethereum.Contracts.Standards.ERC20.ContractDefinition;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Aggregator.Chains.Evm.Balances;

/// <summary>
/// Reads native and ERC-20 balances of the configured addresses at the pinned block latest −
/// confirmations, through Multicall3 in chunks (never one eth_call per balance), and records the
/// block's number and hash. Each token's decimals() is read in the same sweep and must equal the
/// configured decimals, or nothing is returned. A token whose call fails is reported per address, not
/// a crash; anything that cannot be read whole (an RPC failure) fails the read, so nothing half-read
/// is ever returned.
/// </summary>
public sealed class EvmBalanceReader : IChainReader
{
    private readonly IWeb3 _web3;
    private readonly EvmChainOptions _options;
    private readonly ResilientCalls _calls;

    public EvmBalanceReader(IWeb3 web3, EvmChainOptions options, RpcResilienceOptions? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(options);
        _web3 = web3;
        _options = options;
        _calls = new ResilientCalls(options.Name, resilience);
    }

    public string Name => _options.Name;

    public ChainId Chain => ChainId.Evm(_options.ChainId);

    /// <summary>One chunked sweep at the pinned height.</summary>
    public async Task<ObservationBatch> ReadAsync(CancellationToken cancellationToken = default)
    {
        var (height, hash) = await Resilient(async () =>
        {
            var chainId = await _web3.Eth.ChainId.SendRequestAsync().ConfigureAwait(false);
            if (chainId.Value != _options.ChainId)
            {
                throw new ChainMismatchException($"{_options.Name}: the node serves chain {chainId.Value}, not the configured {_options.ChainId}");
            }
            var latest = (await _web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().ConfigureAwait(false)).Value;
            var pinned = (ulong)BigInteger.Max(BigInteger.Zero, latest - _options.Confirmations);
            return (pinned, await HashAtAsync(pinned).ConfigureAwait(false));
        }, "the pinned block", cancellationToken).ConfigureAwait(false);
        return await ReadAtAsync(height, hash, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ObservationBatch> RereadAsync(ulong height, string blockHash, CancellationToken cancellationToken = default)
    {
        await ExpectHashAsync(height, blockHash, cancellationToken).ConfigureAwait(false);
        var batch = await ReadAtAsync(height, blockHash, cancellationToken).ConfigureAwait(false);
        // eth_call takes a number: a reorg during the sweep would mix two blocks, so look again after it.
        await ExpectHashAsync(height, blockHash, cancellationToken).ConfigureAwait(false);
        return batch;
    }

    /// <inheritdoc />
    public async Task<string?> BlockHashAtAsync(ulong height, CancellationToken cancellationToken = default) =>
        await Resilient(() => HashAtAsync(height), $"block {height}", cancellationToken).ConfigureAwait(false);

    private async Task ExpectHashAsync(ulong height, string blockHash, CancellationToken cancellationToken)
    {
        var now = await BlockHashAtAsync(height, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(now, blockHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new ChainReorganizedException($"{_options.Name}: block {height} is now {now}, not the recorded {blockHash} (a reorg, or another chain)");
        }
    }

    private async Task<string> HashAtAsync(ulong height)
    {
        var block = await _web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(height)).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"{_options.Name}: block {height} is missing");
        return block.BlockHash;
    }

    private Task<T> Resilient<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken) =>
        _calls.RunAsync(call, what, cancellationToken);

    // The sweep at a height whose hash the caller has read.
    private async Task<ObservationBatch> ReadAtAsync(ulong height, string blockHash, CancellationToken cancellationToken = default)
    {
        // decimals() of every token first, then the balances: one list of calls, chunked.
        var requests = new List<Call3>();
        foreach (var token in _options.Tokens)
        {
            requests.Add(new Call3 { Target = token.Address, AllowFailure = true, CallData = new DecimalsFunction().GetCallData() });
        }
        var balanceRequests = new List<(string Address, AssetId Asset, int Decimals)>();
        foreach (var address in _options.Addresses)
        {
            balanceRequests.Add((address, new AssetId(_options.NativeSymbol), _options.NativeDecimals));
            requests.Add(new Call3 { Target = _options.Multicall3Address, AllowFailure = true, CallData = new GetEthBalanceFunction { Account = address }.GetCallData() });
        }
        foreach (var token in _options.Tokens)
        {
            foreach (var address in _options.Addresses)
            {
                balanceRequests.Add((address, new AssetId(token.Symbol), token.Decimals));
                requests.Add(new Call3 { Target = token.Address, AllowFailure = true, CallData = new BalanceOfFunction { Owner = address }.GetCallData() });
            }
        }

        var debtRequests = new List<(string Address, EvmDebtSource Source)>();
        foreach (var source in _options.Debts)
        {
            foreach (var address in _options.Addresses)
            {
                debtRequests.Add((address, source));
                requests.Add(new Call3
                {
                    Target = source.Contract,
                    AllowFailure = true,
                    CallData = source.Protocol == LendingProtocol.AaveV3
                        ? new BalanceOfFunction { Owner = address }.GetCallData()
                        : new BorrowBalanceOfFunction { Account = address }.GetCallData(),
                });
            }
        }

        var results = await CallAllAsync(requests, height, cancellationToken).ConfigureAwait(false);
        var unreadableDecimals = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < _options.Tokens.Count; t++)
        {
            var token = _options.Tokens[t];
            if (!results[t].Success || Uint256(results[t].ReturnData) is not { } decimals)
            {
                unreadableDecimals.Add(token.Symbol);
            }
            else if (decimals != token.Decimals)
            {
                throw new ChainMismatchException($"{_options.Name}: token {token.Symbol} at {token.Address} has {decimals} decimals on chain, not the configured {token.Decimals}");
            }
        }

        var balances = new List<BalanceObservation>(balanceRequests.Count);
        var failures = new List<ReadFailure>();
        for (var i = 0; i < balanceRequests.Count; i++)
        {
            var (address, asset, decimals) = balanceRequests[i];
            var result = results[_options.Tokens.Count + i];
            if (unreadableDecimals.Contains(asset.Symbol))
            {
                failures.Add(new ReadFailure(asset, address, "decimals() failed, so the configured decimals cannot be checked"));
            }
            else if (result.Success && Uint256(result.ReturnData) is { } value)
            {
                balances.Add(new BalanceObservation(address, asset, new Amount(value, decimals)));
            }
            else
            {
                failures.Add(new ReadFailure(asset, address, result.Success ? "the call returned no uint256" : "the call reverted"));
            }
        }
        var debts = new List<DebtObservation>(debtRequests.Count);
        var firstDebt = _options.Tokens.Count + balanceRequests.Count;
        for (var i = 0; i < debtRequests.Count; i++)
        {
            var (address, source) = debtRequests[i];
            var result = results[firstDebt + i];
            if (result.Success && Uint256(result.ReturnData) is { } owed)
            {
                debts.Add(new DebtObservation(address, new AssetId(source.Symbol), source.Name, new Amount(owed, source.Decimals)));
            }
            else
            {
                // An unread debt would count pledged coins as free: the address is reported, never counted as owing nothing.
                failures.Add(new ReadFailure(new AssetId(source.Symbol), address, $"{source.Name}: {(result.Success ? "the debt call returned no uint256" : "the debt call reverted")}"));
            }
        }
        return new ObservationBatch(Chain, height, blockHash, balances, failures) { Debts = debts };
    }

    private async Task<List<Result>> CallAllAsync(List<Call3> requests, ulong height, CancellationToken cancellationToken)
    {
        var handler = _web3.Eth.GetContractQueryHandler<Aggregate3Function>();
        var at = new BlockParameter(height);
        var results = new List<Result>(requests.Count);
        for (var start = 0; start < requests.Count; start += _options.CallsPerBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = requests.GetRange(start, Math.Min(_options.CallsPerBatch, requests.Count - start));
            var output = await Resilient(
                () => handler.QueryDeserializingToObjectAsync<Aggregate3OutputDTO>(new Aggregate3Function { Calls = chunk }, _options.Multicall3Address, at),
                $"calls {start}..{start + chunk.Count - 1} at block {height}", cancellationToken).ConfigureAwait(false);
            if (output.ReturnData.Count != chunk.Count)
            {
                throw new ChainReadFailedException($"{_options.Name}: Multicall3 answered {output.ReturnData.Count} results for {chunk.Count} calls");
            }
            results.AddRange(output.ReturnData);
        }
        return results;
    }

    private static BigInteger? Uint256(byte[] data) =>
        data.Length == 32 ? new BigInteger(data, isUnsigned: true, isBigEndian: true) : null;
}
