using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Aggregator.Core.Ownership;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Configuration;
using Aggregator.Reserves.Evidence;

namespace Aggregator.Reserves;

/// <summary>
/// Reads every chain of the reserves, checks every ownership signature against the address it counts
/// and every custody statement against its custodian on the registry, and totals the reserves per asset
/// with the evidence (heights, hashes, per-address balances, signatures), and per evidence tag. An address
/// whose ownership is not proved, and a balance that could not be read, is not counted and is named in
/// <see cref="ReservesOutcome.Problems"/>; a self-declared address is reported, never counted.
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
        Action<string>? progress = null, CustodianRegister? custodians = null, CancellationToken cancellationToken = default)
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
        return Count(institution, epoch, read, seed, custodians);
    }

    /// <summary>
    /// The reserves in batches already read (each EVM chain's at its sampled heights, with which sample
    /// each is): the batches may hold other addresses too, and only each chain's reserve addresses count.
    /// </summary>
    public static ReservesOutcome Count(
        string institution, ulong epoch, IReadOnlyList<(ReserveChain Chain, ObservationBatch Batch, SampleEvidence? Sample)> read, WindowEvidence? window = null,
        CustodianRegister? custodians = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        var tally = new ReservesTally(institution, epoch, custodians);
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
/// The reserves of an asset are the sum of its chains' (never below zero: a deficit is a problem). The
/// totals per evidence tag are each that tag's own least over the heights, so the counted total can exceed
/// the sum of the key-proven and custodian-attested totals when their lows fall at different heights.
/// </summary>
internal sealed class ReservesTally(string institution, ulong epoch, CustodianRegister? custodians)
{
    private readonly List<string> _problems = [];
    private readonly List<ChainEvidence> _chains = [];
    // Per chain name (the counted reserves) and per evidence tag and chain name, per asset: the least net
    // over the heights added so far, and its decimals.
    private readonly Dictionary<string, Dictionary<string, (BigInteger Net, int Decimals)>> _least = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tag, string Chain), Dictionary<string, (BigInteger Net, int Decimals)>> _leastByTag = [];
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
        var netByTag = ReserveEvidenceNames.All.ToDictionary(tag => tag, _ => new Dictionary<string, (BigInteger Net, int Decimals)>(StringComparer.Ordinal), StringComparer.Ordinal);
        void Count(Dictionary<string, (BigInteger Net, int Decimals)> into, AssetId asset, Amount amount, int sign)
        {
            if (_decimals.TryGetValue(asset.Symbol, out var decimals) && decimals != amount.Decimals)
            {
                // The configuration refuses this; never add two scales.
                throw new InvalidOperationException($"{asset} has {decimals} and {amount.Decimals} decimals");
            }
            _decimals[asset.Symbol] = amount.Decimals;
            into[asset.Symbol] = (into.GetValueOrDefault(asset.Symbol).Item1 + (sign * amount.BaseUnits), amount.Decimals);
        }
        var addresses = new List<AddressEvidence>();
        foreach (var reserve in chain.Addresses)
        {
            var tag = ReserveEvidenceNames.Of(reserve.Evidence);
            var check = Check(chain, batch.Chain, reserve);
            var balances = batch.Balances.Where(b => string.Equals(b.Address, reserve.Address, comparison)).ToArray();
            var debts = batch.Debts.Where(d => string.Equals(d.Address, reserve.Address, comparison)).ToArray();
            if (check is { IsValid: false })
            {
                _problems.Add($"{at} {reserve.Address}: {(reserve.Evidence == ReserveEvidence.CustodianAttested ? "custody" : "ownership")} not proved: {check.Reason}");
            }
            else
            {
                var counted = check is not null;
                if (counted)
                {
                    _claims.Add((batch.Chain, reserve.Address));
                }
                foreach (var (asset, amount, sign) in balances.Select(b => (b.Asset, b.Amount, +1)).Concat(debts.Select(d => (d.Asset, d.Amount, -1))))
                {
                    Count(netByTag[tag], asset, amount, sign);
                    if (counted)
                    {
                        Count(net, asset, amount, sign);
                    }
                }
            }
            addresses.Add(new AddressEvidence(
                reserve.Address, reserve.SignedText, reserve.Signature, check is null ? "none: self-declared, not counted" : check.IsValid ? "verified" : check.Reason,
                new SortedDictionary<string, string>(balances.ToDictionary(b => b.Asset.Symbol, b => b.Amount.ToString()), StringComparer.Ordinal))
            {
                Evidence = tag,
                Custodian = reserve.Custodian,
                Debts = debts.Length == 0 ? null : [.. debts.Select(d => new DebtEvidence(d.Source, d.Asset.Symbol, d.Amount.ToString()))],
            });
        }
        foreach (var failure in batch.Failures.Where(f => f.Address is null || chain.Addresses.Any(r => string.Equals(r.Address, f.Address, comparison))))
        {
            _problems.Add($"{at} {failure.Address}: {failure.Asset} unreadable ({failure.Reason}); not counted");
        }
        Fold(_least, name, net);
        foreach (var (tag, tagNet) in netByTag)
        {
            Fold(_leastByTag, (tag, name), tagNet);
        }
        var evidence = new ChainEvidence(batch.Chain.ToString(), name, batch.Height, batch.BlockHash, addresses) { Sample = sample };
        _chains.Add(evidence);
        return evidence;
    }

    // A chain's (or a tag's) nets at one more height: each asset's least so far.
    private void Fold<TKey>(Dictionary<TKey, Dictionary<string, (BigInteger Net, int Decimals)>> leastOf, TKey key, Dictionary<string, (BigInteger Net, int Decimals)> net)
        where TKey : notnull
    {
        if (!leastOf.TryGetValue(key, out var least))
        {
            leastOf[key] = net;
            return;
        }
        foreach (var symbol in least.Keys.Union(net.Keys).ToArray())
        {
            var here = net.GetValueOrDefault(symbol, (BigInteger.Zero, _decimals[symbol]));
            least[symbol] = least.TryGetValue(symbol, out var earlier) && earlier.Net <= here.Item1 ? earlier : here;
        }
    }

    // The address's evidence checked: its own signature (key-proven), or its custodian's standing on the
    // registry and signature (custodian-attested); null for a self-declared address (nothing to check).
    private OwnershipCheck? Check(ReserveChain chain, ChainId on, ReserveAddress reserve)
    {
        var expected = new OwnershipMessage(institution, on, reserve.Address, epoch);
        var claim = new OwnershipClaim(reserve.SignedText, reserve.Signature);
        return reserve.Evidence switch
        {
            ReserveEvidence.KeyProven => chain.VerifyOwnership(claim, expected),
            ReserveEvidence.CustodianAttested when custodians is null =>
                OwnershipCheck.Invalid($"custodian {reserve.Custodian} cannot be checked: no registry was given to read the custodians from"),
            ReserveEvidence.CustodianAttested when custodians!.Refusal(reserve.Custodian!) is { } refused => OwnershipCheck.Invalid(refused),
            ReserveEvidence.CustodianAttested => Aggregator.Chains.Evm.Ownership.EvmOwnershipVerifier.VerifyCustody(claim, expected with { Custody = true }, reserve.Custodian!),
            _ => null,
        };
    }

    public ReservesOutcome Outcome(WindowEvidence? window = null) =>
        new(new ReservesReport(ReservesReport.CurrentFormat, institution, epoch, Totals(), _chains.ToArray())
        {
            Window = window,
            ClaimsRoot = ClaimsRoot(),
            ByEvidence = TotalsByEvidence(),
        }, Problems);

    /// <summary>Per evidence tag, per asset: the sum over chains of the tag's least net, in whole units (never below zero).</summary>
    public SortedDictionary<string, SortedDictionary<string, string>> TotalsByEvidence() =>
        new(ReserveEvidenceNames.All.ToDictionary(tag => tag, tag =>
        {
            var chains = _leastByTag.Where(e => e.Key.Tag == tag).Select(e => e.Value).ToArray();
            return new SortedDictionary<string, string>(
                chains.SelectMany(c => c.Keys).Distinct().ToDictionary(symbol => symbol, symbol =>
                    new Amount(BigInteger.Max(chains.Aggregate(BigInteger.Zero, (total, c) => total + c.GetValueOrDefault(symbol).Net), BigInteger.Zero), _decimals[symbol]).ToString()),
                StringComparer.Ordinal);
        }), StringComparer.Ordinal);

    /// <summary>The claims root over the addresses counted so far.</summary>
    public string ClaimsRoot() => Claims.ClaimsTree.Of(_claims).RootHex;

    public SortedDictionary<string, string> Totals() =>
        new(_decimals.Keys.ToDictionary(s => s, s => new Amount(BigInteger.Max(Sum(s), BigInteger.Zero), _decimals[s]).ToString()), StringComparer.Ordinal);

    // An asset's reserves: the sum over chains of each chain's least net.
    private BigInteger Sum(string symbol) => _least.Values.Aggregate(BigInteger.Zero, (total, chain) => total + chain.GetValueOrDefault(symbol).Item1);
}
