using System.Globalization;
using System.Numerics;
using System.Text;
using Aggregator.Chains.Evm.Blocks;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Nethereum.Util;

namespace Aggregator.Reserves.Windows;

/// <summary>
/// An epoch's window [<see cref="Start"/>, <see cref="End"/>) in unix seconds, sampled at
/// <see cref="Samples"/> heights per EVM chain drawn from a seed nobody knew before the window ended
/// (docs/proofs.md, "Windows"). The rules here are the whole specification a verifier re-implements.
/// </summary>
public sealed record ReserveWindow(ulong Start, ulong End, int Samples)
{
    /// <summary>How many draws are made at most for one chain before giving up (a chain with almost no blocks in the window).</summary>
    public const int MaxDrawsPerSample = 64;

    /// <summary>The window an epoch ends, for windows of <paramref name="length"/> seconds.</summary>
    public static ReserveWindow Ending(ulong epoch, ulong length, int samples) =>
        length == 0 || length > epoch || samples is < 1 or > 64
            ? throw new InputException($"a window of {length} s sampled {samples} times cannot end at {epoch} (1..epoch seconds, 1..64 samples)", field: "window")
            : new(epoch - length, epoch, samples);

    /// <summary>
    /// The time draw <paramref name="index"/> targets on a chain: Start + keccak256(seed ‖ keccak256(caip2)
    /// ‖ uint256(index)) mod (End − Start), the three words as abi.encode(bytes32, bytes32, uint256) lays them out.
    /// </summary>
    public ulong Target(ReadOnlySpan<byte> seed, ChainId chain, int index)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("the seed is 32 bytes", nameof(seed));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var keccak = new Sha3Keccack();
        var words = new byte[96];
        seed.CopyTo(words);
        keccak.CalculateHash(Encoding.UTF8.GetBytes(chain.ToString())).CopyTo(words, 32);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(words.AsSpan(96 - sizeof(int)), index);
        var draw = new BigInteger(keccak.CalculateHash(words), isUnsigned: true, isBigEndian: true);
        return Start + (ulong)(draw % (End - Start));
    }

    /// <summary>
    /// The seed: the prevrandao (mixHash) of the first finalized block of the registry's chain at or after
    /// <see cref="End"/>. Block hashes are not used: whoever builds a block can grind its hash.
    /// </summary>
    /// <exception cref="WindowNotReadyException">No finalized block of that chain is at or after the end yet.</exception>
    /// <exception cref="InputException">The block's prevrandao is zero: the chain has no randomness to draw from.</exception>
    public async Task<BlockStamp> SeedBlockAsync(BlockClock registryChain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registryChain);
        var finalized = await registryChain.HeadAsync(finalized: true, cancellationToken).ConfigureAwait(false);
        var seed = await registryChain.FirstAtOrAfterAsync(End, finalized.Number, cancellationToken).ConfigureAwait(false)
            ?? throw new WindowNotReadyException($"the registry's chain has finalized no block at or after the window's end ({End}) yet (finalized: block {finalized.Number} at {finalized.Time}): the heights cannot be drawn");
        return SeedOf(seed).All(b => b == 0)
            ? throw new InputException($"block {seed.Number} of the registry's chain has a zero prevrandao: the chain gives no randomness to draw heights from", field: "seed")
            : seed;
    }

    /// <summary>A block's prevrandao as 32 bytes.</summary>
    public static byte[] SeedOf(BlockStamp block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var hex = block.MixHash.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? block.MixHash[2..] : block.MixHash;
        return hex.Length == 64 ? Convert.FromHexString(hex) : throw new InputException($"block {block.Number}'s mixHash '{block.MixHash}' is not 32 bytes", field: "seed");
    }

    /// <summary>
    /// The heights sampled on one chain: with the chain's state at time t being its last block at or before
    /// t, every block from the state at Start to the state at End − 1 when there are at most
    /// <see cref="Samples"/> of them; otherwise the states at Target(0), Target(1), … until
    /// <see cref="Samples"/> distinct blocks are drawn (a repeat is drawn again). In ascending order.
    /// </summary>
    /// <param name="confirmedHead">The highest height the caller trusts on that chain (latest − confirmations); its time must be at or after the window's end.</param>
    /// <exception cref="WindowNotReadyException">The chain has not confirmed a block at or after the window's end.</exception>
    /// <exception cref="InputException">The chain has no block at or before the window's start, or too few distinct states to draw from.</exception>
    public async Task<IReadOnlyList<WindowSample>> SampleAsync(BlockClock chainClock, ChainId chain, ulong confirmedHead, ReadOnlyMemory<byte> seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chainClock);
        var head = await chainClock.BlockAsync(confirmedHead, cancellationToken).ConfigureAwait(false);
        if (head.Time < End)
        {
            throw new WindowNotReadyException($"{chain}: its confirmed block {head.Number} is at {head.Time}, before the window's end ({End})");
        }
        var first = await chainClock.LastAtOrBeforeAsync(Start, confirmedHead, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new InputException($"{chain}: no block is at or before the window's start ({Start})", field: "window");
        var last = (await chainClock.LastAtOrBeforeAsync(End - 1, confirmedHead, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        var samples = new SortedDictionary<ulong, WindowSample>();
        if (last.Number - first.Number < (ulong)Samples)
        {
            for (var number = first.Number; number <= last.Number; number++)
            {
                samples[number] = new WindowSample(null, null, await chainClock.BlockAsync(number, cancellationToken).ConfigureAwait(false));
            }
            return [.. samples.Values];
        }
        for (var index = 0; samples.Count < Samples; index++)
        {
            if (index == Samples * MaxDrawsPerSample)
            {
                throw new InputException($"{chain}: {index} draws gave only {samples.Count} distinct blocks of the {Samples} to sample (blocks {first.Number}..{last.Number} in the window)", field: "window");
            }
            var target = Target(seed.Span, chain, index);
            // Every target is at or after Start: the search stays between the window's first and last states.
            var block = (await chainClock.LastAtOrBeforeAsync(target, last.Number, first.Number, cancellationToken).ConfigureAwait(false))!;
            samples.TryAdd(block.Number, new WindowSample(index, target, block));
        }
        return [.. samples.Values];
    }

    /// <summary>The draw that fixes the liabilities' time: seed mod <see cref="Samples"/>, the seed read as a big-endian integer.</summary>
    public int LiabilitiesDraw(ReadOnlySpan<byte> seed) =>
        seed.Length == 32 ? (int)(new BigInteger(seed, isUnsigned: true, isBigEndian: true) % Samples) : throw new ArgumentException("the seed is 32 bytes", nameof(seed));

    /// <summary>
    /// The liabilities' time: the block time of the registry chain's state at the time its draw
    /// <see cref="LiabilitiesDraw"/> targets (its last block at or before that target). Every chain's books
    /// are taken at its own state at that time, so the institution knows the time no sooner than the seed.
    /// </summary>
    /// <param name="confirmedHead">The highest height the caller trusts on the registry's chain; its time must be at or after the window's end.</param>
    /// <exception cref="WindowNotReadyException">The chain has not confirmed a block at or after the window's end.</exception>
    /// <exception cref="InputException">The chain has no block at or before the target.</exception>
    public async Task<(int Draw, ulong Target, BlockStamp Block)> LiabilitiesTimeAsync(BlockClock registryChain, ChainId chain, ulong confirmedHead, ReadOnlyMemory<byte> seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registryChain);
        var head = await registryChain.BlockAsync(confirmedHead, cancellationToken).ConfigureAwait(false);
        if (head.Time < End)
        {
            throw new WindowNotReadyException($"{chain}: its confirmed block {head.Number} is at {head.Time}, before the window's end ({End})");
        }
        var draw = LiabilitiesDraw(seed.Span);
        var target = Target(seed.Span, chain, draw);
        var block = await registryChain.LastAtOrBeforeAsync(target, confirmedHead, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new InputException($"{chain}: no block is at or before the liabilities' target time {target}", field: "window");
        return (draw, target, block);
    }

    /// <summary>The window as "[start, end)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Start}, {End})");
}

/// <summary>One sampled height: the draw and the time it targeted (null when every block of the window is read), and the block.</summary>
public sealed record WindowSample(int? Draw, ulong? Target, BlockStamp Block);

/// <summary>The window's heights cannot be drawn yet: its end is not final on a chain. Asking again later can succeed.</summary>
public sealed class WindowNotReadyException(string message) : Exception(message);
