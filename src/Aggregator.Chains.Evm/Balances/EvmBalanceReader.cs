using System.Numerics;
using Aggregator.Chains.Evm.Multicall;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Polly;

namespace Aggregator.Chains.Evm.Balances;

/// <summary>
/// Reads native and ERC-20 balances of the configured addresses at the pinned block latest −
/// confirmations, through Multicall3 in chunks (never one eth_call per balance), and records the
/// block's number and hash. A token whose call fails is reported per address, not a crash; anything
/// that cannot be read whole (an RPC failure) fails the read, so nothing half-read is ever returned.
/// </summary>
public sealed class EvmBalanceReader(IWeb3 web3, EvmChainOptions options, ResiliencePipeline? resilience = null)
{
    private readonly ResiliencePipeline _resilience = resilience ?? RpcResilience.Create();

    /// <summary>One chunked sweep at the pinned height.</summary>
    /// <exception cref="ChainMismatchException">The node serves another chain.</exception>
    /// <exception cref="ChainReadFailedException">The node failed beyond the retries.</exception>
    public async Task<ObservationBatch> ReadAsync(CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (height, hash) = await Resilient(async () =>
        {
            var chainId = await web3.Eth.ChainId.SendRequestAsync().ConfigureAwait(false);
            if (chainId.Value != options.ChainId)
            {
                throw new ChainMismatchException($"{options.Name}: the node serves chain {chainId.Value}, not the configured {options.ChainId}");
            }
            var latest = (await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().ConfigureAwait(false)).Value;
            var pinned = BigInteger.Max(BigInteger.Zero, latest - options.Confirmations);
            var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter((ulong)pinned)).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{options.Name}: block {pinned} is missing");
            return ((ulong)pinned, block.BlockHash);
        }, "the pinned block", cancellationToken).ConfigureAwait(false);
        return await ReadAtAsync(height, hash, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hash of the block at a height, as the node sees it now.</summary>
    public Task<string> BlockHashAtAsync(ulong height, CancellationToken cancellationToken = default) =>
        Resilient(async () =>
        {
            var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(height)).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{options.Name}: block {height} is missing");
            return block.BlockHash;
        }, $"block {height}", cancellationToken);

    private async Task<T> Resilient<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _resilience.ExecuteAsync(async _ => await call().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not ChainMismatchException && !cancellationToken.IsCancellationRequested)
        {
            throw new ChainReadFailedException($"{options.Name}: could not read {what}: {error.Message}", error);
        }
    }

    /// <summary>The same sweep at a given height, e.g. to re-check recorded reserves.</summary>
    public async Task<ObservationBatch> ReadAtAsync(ulong height, string blockHash, CancellationToken cancellationToken = default)
    {
        var requests = new List<(string Address, AssetId Asset, int Decimals, Call3 Call)>();
        var native = new AssetId(options.NativeSymbol);
        foreach (var address in options.Addresses)
        {
            requests.Add((address, native, options.NativeDecimals, new Call3
            {
                Target = options.Multicall3Address,
                AllowFailure = true,
                CallData = new GetEthBalanceFunction { Account = address }.GetCallData(),
            }));
        }
        foreach (var token in options.Tokens)
        {
            var asset = new AssetId(token.Symbol);
            foreach (var address in options.Addresses)
            {
                requests.Add((address, asset, token.Decimals, new Call3
                {
                    Target = token.Address,
                    AllowFailure = true,
                    CallData = new BalanceOfFunction { Owner = address }.GetCallData(),
                }));
            }
        }

        var handler = web3.Eth.GetContractQueryHandler<Aggregate3Function>();
        var at = new BlockParameter(height);
        var balances = new List<BalanceObservation>(requests.Count);
        var failures = new List<ReadFailure>();
        for (var start = 0; start < requests.Count; start += options.CallsPerBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = requests.Skip(start).Take(options.CallsPerBatch).ToList();
            var message = new Aggregate3Function { Calls = chunk.Select(r => r.Call).ToList() };
            var output = await Resilient(
                () => handler.QueryDeserializingToObjectAsync<Aggregate3Output>(message, options.Multicall3Address, at),
                $"balances {start}..{start + chunk.Count - 1} at block {height}", cancellationToken).ConfigureAwait(false);
            if (output.ReturnData.Count != chunk.Count)
            {
                throw new InvalidOperationException($"{options.Name}: Multicall3 answered {output.ReturnData.Count} results for {chunk.Count} calls");
            }
            for (var i = 0; i < chunk.Count; i++)
            {
                var (address, asset, decimals, _) = chunk[i];
                var result = output.ReturnData[i];
                if (result.Success && Uint256.Decode(result.ReturnData) is { } value)
                {
                    balances.Add(new BalanceObservation(address, asset, new Amount(value, decimals)));
                }
                else
                {
                    failures.Add(new ReadFailure(asset, address, result.Success ? "the call returned no uint256" : "the call reverted"));
                }
            }
        }
        return new ObservationBatch(ChainId.Evm(options.ChainId), height, blockHash, balances, failures);
    }
}
