using Aggregator.Core.Chains;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace Aggregator.Chains.Evm.Blocks;

/// <summary>A block's number, hash, time and prevrandao (its header's mixHash since the merge).</summary>
public sealed record BlockStamp(ulong Number, string Hash, ulong Time, string MixHash);

/// <summary>
/// An EVM chain's blocks by time, read from its node: the last block at or before a time (the chain's
/// state at that time), the first at or after one, the finalized head. Binary search over block headers:
/// about log2(height) reads each, cached for the life of the clock, every read through the resilient
/// pipeline. Timestamps never decrease along a chain, which the search relies on.
/// </summary>
public sealed class BlockClock
{
    private readonly IWeb3 _web3;
    private readonly string _name;
    private readonly ResilientCalls _calls;
    private readonly Dictionary<ulong, BlockStamp> _headers = [];

    public BlockClock(IWeb3 web3, string name, RpcResilienceOptions? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        _web3 = web3;
        _name = name;
        _calls = new ResilientCalls(name, resilience);
    }

    /// <summary>The block at a height.</summary>
    /// <exception cref="ChainReadFailedException">The node failed, or has no such block.</exception>
    public async Task<BlockStamp> BlockAsync(ulong number, CancellationToken cancellationToken = default)
    {
        if (_headers.TryGetValue(number, out var known))
        {
            return known;
        }
        var block = await ReadAsync(new Nethereum.Hex.HexTypes.HexBigInteger(number).HexValue, $"block {number}", cancellationToken).ConfigureAwait(false);
        _headers[number] = block;
        return block;
    }

    /// <summary>The chain's latest block, or its finalized one.</summary>
    public Task<BlockStamp> HeadAsync(bool finalized, CancellationToken cancellationToken = default) =>
        ReadAsync(finalized ? "finalized" : "latest", finalized ? "the finalized block" : "the latest block", cancellationToken);

    /// <summary>
    /// The last block at or before <paramref name="time"/> among blocks <paramref name="from"/>..<paramref name="head"/>:
    /// the chain's state at that time. Null when even block <paramref name="from"/> is later. A caller that
    /// knows an earlier block at or before the time passes it as <paramref name="from"/>, and the search
    /// reads only the headers between.
    /// </summary>
    public async Task<BlockStamp?> LastAtOrBeforeAsync(ulong time, ulong head, ulong from = 0, CancellationToken cancellationToken = default)
    {
        if ((await BlockAsync(from, cancellationToken).ConfigureAwait(false)).Time > time)
        {
            return null;
        }
        // Invariant: block low is at or before time; blocks after high are later.
        ulong low = from, high = head;
        while (low < high)
        {
            var middle = low + ((high - low + 1) / 2);
            if ((await BlockAsync(middle, cancellationToken).ConfigureAwait(false)).Time <= time)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }
        return await BlockAsync(low, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first block at or after <paramref name="time"/> among blocks 0..<paramref name="head"/>, or null when none is.</summary>
    public async Task<BlockStamp?> FirstAtOrAfterAsync(ulong time, ulong head, CancellationToken cancellationToken = default)
    {
        if ((await BlockAsync(head, cancellationToken).ConfigureAwait(false)).Time < time)
        {
            return null;
        }
        ulong low = 0, high = head;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if ((await BlockAsync(middle, cancellationToken).ConfigureAwait(false)).Time >= time)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }
        return await BlockAsync(low, cancellationToken).ConfigureAwait(false);
    }

    // eth_getBlockByNumber by number or tag (Nethereum's BlockParameter has no "finalized").
    private Task<BlockStamp> ReadAsync(string at, string what, CancellationToken cancellationToken) =>
        _calls.RunAsync(async () =>
        {
            var block = await _web3.Client.SendRequestAsync<BlockWithTransactionHashes>("eth_getBlockByNumber", null, at, false).ConfigureAwait(false)
                ?? throw new ChainReadFailedException($"{_name}: the node has no {what}");
            return new BlockStamp((ulong)block.Number.Value, block.BlockHash, (ulong)block.Timestamp.Value, block.MixHash ?? "");
        }, what, cancellationToken);
}
