using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Aggregator.Core.Ownership;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Evidence;

namespace Aggregator.Reserves;

/// <summary>
/// Reads every chain of the reserves, checks every ownership signature against the address it counts,
/// and totals the reserves per asset with the evidence (heights, hashes, per-address balances,
/// signatures). An address whose ownership is not proved, and a balance that could not be read, is not
/// counted and is named in <see cref="ReservesOutcome.Problems"/>.
/// </summary>
public static class ReservesSweep
{
    /// <summary>
    /// Every chain read now (point-in-time), or, given an epoch's <paramref name="window"/>, every EVM chain
    /// at the window's sampled heights drawn from the seed on <paramref name="seedChain"/> (the registry's)
    /// and each Solana cluster now (it serves no past state).
    /// </summary>
    /// <exception cref="Windows.WindowNotReadyException">The window's end is not final yet.</exception>
    public static async Task<ReservesOutcome> RunAsync(
        string institution, IReadOnlyList<ReserveChain> chains, ulong epoch, Windows.ReserveWindow? window = null, ChainId? seedChain = null,
        Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chains);
        var seed = window is null ? null : await Windows.WindowedReads.SeedAsync(window, chains, seedChain ?? chains[0].Reader.Chain, cancellationToken).ConfigureAwait(false);
        if (seed is not null)
        {
            progress?.Invoke($"window {window}: seed {seed.Seed} from {seed.SeedChain} block {seed.SeedHeight}");
        }
        var read = new List<(ReserveChain, ObservationBatch, SampleEvidence?)>();
        foreach (var chain in chains)
        {
            if (seed is not null && chain.Clock is not null)
            {
                var sampled = await Windows.WindowedReads.ReadAsync(chain, window!, seed, cancellationToken).ConfigureAwait(false);
                progress?.Invoke($"read {chain.Reader.Name} ({chain.Addresses.Count} addresses) at heights {string.Join(", ", sampled.Select(s => s.Batch.Height))}");
                read.AddRange(sampled.Select(s => (chain, s.Batch, (SampleEvidence?)s.Sample)));
            }
            else
            {
                progress?.Invoke($"reading {chain.Reader.Name} ({chain.Addresses.Count} addresses) now");
                read.Add((chain, await chain.Reader.ReadAsync(cancellationToken).ConfigureAwait(false), null));
            }
        }
        return Count(institution, epoch, read, seed);
    }

    /// <summary>
    /// The reserves in batches already read (each EVM chain's at its sampled heights, with which sample
    /// each is): the batches may hold other addresses too, and only each chain's reserve addresses count.
    /// </summary>
    public static ReservesOutcome Count(string institution, ulong epoch, IReadOnlyList<(ReserveChain Chain, ObservationBatch Batch, SampleEvidence? Sample)> read, WindowEvidence? window = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        var tally = new ReservesTally(institution, epoch);
        foreach (var (chain, batch, sample) in read)
        {
            tally.Add(chain, batch, sample);
        }
        return tally.Outcome(window);
    }
}

/// <summary>The report (its totals included) and what was not counted and why.</summary>
public sealed record ReservesOutcome(ReservesReport Report, IReadOnlyList<string> Problems);

/// <summary>
/// Turns chain batches into evidence and totals: the one place a balance is counted or refused. A
/// chain's reserves of an asset are, over its sampled heights, the least of the sum over its proven
/// addresses of balance minus debt; an unsampled chain (Solana, or a point-in-time sweep) has one height.
/// The reserves of an asset are the sum of its chains' (never below zero: a deficit is a problem).
/// </summary>
internal sealed class ReservesTally(string institution, ulong epoch)
{
    private readonly List<string> _problems = [];
    private readonly List<ChainEvidence> _chains = [];
    // Per chain name, per asset: the least net over the heights added so far, and its decimals.
    private readonly Dictionary<string, Dictionary<string, (BigInteger Net, int Decimals)>> _least = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _decimals = new(StringComparer.Ordinal);
    // Every (chain, address) counted: the claims root is over exactly these.
    private readonly List<(ChainId Chain, string Address)> _claims = [];

    /// <summary>What was not counted and why, and every asset whose addresses owe more than they hold.</summary>
    public IReadOnlyList<string> Problems =>
        [.. _problems, .. _decimals.Keys.Order(StringComparer.Ordinal).Where(s => Sum(s) < 0)
            .Select(s => $"{s}: the reserve addresses owe more than they hold ({new Amount(-Sum(s), _decimals[s])} {s} net of debts); counted as 0")];

    public ChainEvidence Add(ReserveChain chain, ObservationBatch batch, SampleEvidence? sample = null)
    {
        var name = chain.Reader.Name;
        var at = sample is null ? name : $"{name} at height {batch.Height}";
        // EVM addresses are case-insensitive hex; Solana's base58 is not.
        var comparison = batch.Chain.Family == ChainFamily.Evm ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var net = new Dictionary<string, (BigInteger Net, int Decimals)>(StringComparer.Ordinal);
        void Count(AssetId asset, Amount amount, int sign)
        {
            if (_decimals.TryGetValue(asset.Symbol, out var decimals) && decimals != amount.Decimals)
            {
                // The configuration refuses this; never add two scales.
                throw new InvalidOperationException($"{asset} has {decimals} and {amount.Decimals} decimals");
            }
            _decimals[asset.Symbol] = amount.Decimals;
            net[asset.Symbol] = (net.GetValueOrDefault(asset.Symbol).Item1 + (sign * amount.BaseUnits), amount.Decimals);
        }
        var addresses = new List<AddressEvidence>();
        foreach (var reserve in chain.Addresses)
        {
            var expected = new OwnershipMessage(institution, batch.Chain, reserve.Address, epoch);
            var check = chain.VerifyOwnership(new OwnershipClaim(reserve.SignedText, reserve.Signature), expected);
            var balances = batch.Balances.Where(b => string.Equals(b.Address, reserve.Address, comparison)).ToArray();
            var debts = batch.Debts.Where(d => string.Equals(d.Address, reserve.Address, comparison)).ToArray();
            if (!check.IsValid)
            {
                _problems.Add($"{at} {reserve.Address}: ownership not proved: {check.Reason}");
            }
            else
            {
                _claims.Add((batch.Chain, reserve.Address));
                foreach (var balance in balances)
                {
                    Count(balance.Asset, balance.Amount, +1);
                }
                foreach (var debt in debts)
                {
                    Count(debt.Asset, debt.Amount, -1);
                }
            }
            addresses.Add(new AddressEvidence(
                reserve.Address, reserve.SignedText, reserve.Signature, check.IsValid ? "verified" : check.Reason,
                new SortedDictionary<string, string>(balances.ToDictionary(b => b.Asset.Symbol, b => b.Amount.ToString()), StringComparer.Ordinal))
            {
                Debts = debts.Length == 0 ? null : [.. debts.Select(d => new DebtEvidence(d.Source, d.Asset.Symbol, d.Amount.ToString()))],
            });
        }
        foreach (var failure in batch.Failures.Where(f => f.Address is null || chain.Addresses.Any(r => string.Equals(r.Address, f.Address, comparison))))
        {
            _problems.Add($"{at} {failure.Address}: {failure.Asset} unreadable ({failure.Reason}); not counted");
        }
        if (_least.TryGetValue(name, out var least))
        {
            foreach (var symbol in least.Keys.Union(net.Keys).ToArray())
            {
                var here = net.GetValueOrDefault(symbol, (BigInteger.Zero, _decimals[symbol]));
                least[symbol] = least.TryGetValue(symbol, out var earlier) && earlier.Net <= here.Item1 ? earlier : here;
            }
        }
        else
        {
            _least[name] = net;
        }
        var evidence = new ChainEvidence(batch.Chain.ToString(), name, batch.Height, batch.BlockHash, addresses) { Sample = sample };
        _chains.Add(evidence);
        return evidence;
    }

    public ReservesOutcome Outcome(WindowEvidence? window = null) =>
        new(new ReservesReport(ReservesReport.CurrentFormat, institution, epoch, Totals(), _chains.ToArray()) { Window = window, ClaimsRoot = ClaimsRoot() }, Problems);

    /// <summary>The claims root over the addresses counted so far.</summary>
    public string ClaimsRoot() => Claims.ClaimsTree.Of(_claims).RootHex;

    public SortedDictionary<string, string> Totals() =>
        new(_decimals.Keys.ToDictionary(s => s, s => new Amount(BigInteger.Max(Sum(s), BigInteger.Zero), _decimals[s]).ToString()), StringComparer.Ordinal);

    // An asset's reserves: the sum over chains of each chain's least net.
    private BigInteger Sum(string symbol) => _least.Values.Aggregate(BigInteger.Zero, (total, chain) => total + chain.GetValueOrDefault(symbol).Item1);
}
