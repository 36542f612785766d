using Aggregator.Chains.Evm.Blocks;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Core.Observations;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Evidence;

namespace Aggregator.Reserves.Windows;

/// <summary>
/// Reads the reserves of an epoch's window: the seed from the registry's chain, then every EVM chain at
/// each of its sampled heights (each block's hash checked before and after the read). What a close and a
/// verifier both do, so both read the same heights.
/// </summary>
public static class WindowedReads
{
    /// <summary>The seed block and the window's evidence (its seed included).</summary>
    /// <exception cref="InputException">The seed chain is not an EVM chain of the reserves, or gives no randomness.</exception>
    /// <exception cref="WindowNotReadyException">The window's end is not final on the seed chain yet.</exception>
    public static async Task<WindowEvidence> SeedAsync(ReserveWindow window, IReadOnlyList<ReserveChain> chains, ChainId seedChain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        var clock = ClockOf(chains, seedChain);
        var seed = await window.SeedBlockAsync(clock, cancellationToken).ConfigureAwait(false);
        return new WindowEvidence(window.Start, window.End, window.Samples, seedChain.ToString(), seed.Number, seed.Hash, "0x" + Convert.ToHexStringLower(ReserveWindow.SeedOf(seed)));
    }

    /// <summary>One EVM chain's batches at the window's sampled heights, each with its sample's evidence.</summary>
    /// <exception cref="WindowNotReadyException">The chain has not confirmed the window's end yet.</exception>
    public static async Task<IReadOnlyList<(ObservationBatch Batch, SampleEvidence Sample)>> ReadAsync(
        ReserveChain chain, ReserveWindow window, WindowEvidence seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(seed);
        var samples = await SampleAsync(chain, window, seed, cancellationToken).ConfigureAwait(false);
        var read = new List<(ObservationBatch, SampleEvidence)>(samples.Count);
        foreach (var sample in samples)
        {
            var batch = await chain.Reader.RereadAsync(sample.Block.Number, sample.Block.Hash, cancellationToken).ConfigureAwait(false);
            read.Add((batch, new SampleEvidence(sample.Draw, sample.Target, sample.Block.Time)));
        }
        return read;
    }

    /// <summary>The heights the window samples on one EVM chain (<see cref="ReserveWindow.SampleAsync"/>), its confirmed head read now.</summary>
    public static async Task<IReadOnlyList<WindowSample>> SampleAsync(ReserveChain chain, ReserveWindow window, WindowEvidence seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(seed);
        var clock = chain.Clock ?? throw new InvalidOperationException($"{chain.Reader.Name} has no past state to sample");
        var confirmed = await ConfirmedHeadAsync(chain, cancellationToken).ConfigureAwait(false);
        return await window.SampleAsync(clock, chain.Reader.Chain, confirmed, Convert.FromHexString(seed.Seed[2..]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The liabilities' time (<see cref="ReserveWindow.LiabilitiesTimeAsync"/>) and each EVM chain's state at
    /// it: the last block at or before that time, under the chain's confirmed head.
    /// </summary>
    /// <exception cref="WindowNotReadyException">A chain has not confirmed the window's end yet.</exception>
    public static async Task<(LiabilitiesEvidence Evidence, IReadOnlyList<(ReserveChain Chain, BlockStamp Block)> States)> LiabilitiesStatesAsync(
        ReserveWindow window, IReadOnlyList<ReserveChain> chains, WindowEvidence seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(seed);
        var seedChain = ChainId.Parse(seed.SeedChain);
        var clock = ClockOf(chains, seedChain);
        var seedChainHead = await ConfirmedHeadAsync(chains.First(c => c.Reader.Chain == seedChain), cancellationToken).ConfigureAwait(false);
        var (draw, target, at) = await window.LiabilitiesTimeAsync(clock, seedChain, seedChainHead, Convert.FromHexString(seed.Seed[2..]), cancellationToken).ConfigureAwait(false);
        var states = new List<(ReserveChain, BlockStamp)>();
        foreach (var chain in chains.Where(c => c.Clock is not null))
        {
            var head = await ConfirmedHeadAsync(chain, cancellationToken).ConfigureAwait(false);
            if ((await chain.Clock!.BlockAsync(head, cancellationToken).ConfigureAwait(false)).Time < window.End)
            {
                throw new WindowNotReadyException($"{chain.Reader.Chain}: its confirmed block {head} is before the window's end ({window.End})");
            }
            var state = await chain.Clock.LastAtOrBeforeAsync(at.Time, head, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw new InputException($"{chain.Reader.Name}: no block is at or before the liabilities' time {at.Time}", field: "window");
            states.Add((chain, state));
        }
        return (new LiabilitiesEvidence(draw, target, at.Time, [.. states.Select(s => new LiabilitiesHeight(s.Item1.Reader.Chain.ToString(), s.Item2.Number, s.Item2.Hash))]), states);
    }

    private static async Task<ulong> ConfirmedHeadAsync(ReserveChain chain, CancellationToken cancellationToken)
    {
        var latest = await chain.Clock!.HeadAsync(finalized: false, cancellationToken).ConfigureAwait(false);
        return latest.Number > chain.Confirmations ? latest.Number - chain.Confirmations : 0;
    }

    private static BlockClock ClockOf(IReadOnlyList<ReserveChain> chains, ChainId chain) =>
        chains.FirstOrDefault(c => c.Reader.Chain == chain)?.Clock
            ?? throw new InputException($"the seed's chain {chain} is not an EVM chain of the reserves configuration", field: "window.seedChain");
}
