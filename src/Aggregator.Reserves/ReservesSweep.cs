using Aggregator.Core.Amounts;
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
    public static async Task<ReservesOutcome> RunAsync(
        string institution, IReadOnlyList<ReserveChain> chains, ulong epoch, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chains);
        var read = new List<(ReserveChain, ObservationBatch)>();
        foreach (var chain in chains)
        {
            progress?.Invoke($"reading {chain.Reader.Name} ({chain.Addresses.Count} addresses)");
            read.Add((chain, await chain.Reader.ReadAsync(cancellationToken).ConfigureAwait(false)));
        }
        return Count(institution, epoch, read);
    }

    /// <summary>
    /// The reserves in batches already read (each chain's, at the height the caller fixed): the batches
    /// may hold other addresses too, and only each chain's reserve addresses count.
    /// </summary>
    public static ReservesOutcome Count(string institution, ulong epoch, IReadOnlyList<(ReserveChain Chain, ObservationBatch Batch)> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var tally = new ReservesTally(institution, epoch);
        foreach (var (chain, batch) in read)
        {
            tally.Add(chain, batch);
        }
        return tally.Outcome();
    }
}

/// <summary>The report (its totals included) and what was not counted and why.</summary>
public sealed record ReservesOutcome(ReservesReport Report, IReadOnlyList<string> Problems);

/// <summary>Turns chain batches into evidence and totals: the one place a balance is counted or refused.</summary>
internal sealed class ReservesTally(string institution, ulong epoch)
{
    private readonly List<string> _problems = [];
    private readonly Dictionary<string, Amount> _totals = new(StringComparer.Ordinal);
    private readonly List<ChainEvidence> _chains = [];

    public IReadOnlyList<string> Problems => _problems;

    public ChainEvidence Add(ReserveChain chain, ObservationBatch batch)
    {
        var name = chain.Reader.Name;
        // EVM addresses are case-insensitive hex; Solana's base58 is not.
        var comparison = batch.Chain.Family == ChainFamily.Evm ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var addresses = new List<AddressEvidence>();
        foreach (var reserve in chain.Addresses)
        {
            var expected = new OwnershipMessage(institution, batch.Chain, reserve.Address, epoch);
            var check = chain.VerifyOwnership(new OwnershipClaim(reserve.SignedText, reserve.Signature), expected);
            var balances = batch.Balances.Where(b => string.Equals(b.Address, reserve.Address, comparison)).ToArray();
            if (!check.IsValid)
            {
                _problems.Add($"{name} {reserve.Address}: ownership not proved: {check.Reason}");
            }
            else
            {
                foreach (var balance in balances)
                {
                    if (_totals.TryGetValue(balance.Asset.Symbol, out var sum) && sum.Decimals != balance.Amount.Decimals)
                    {
                        // The configuration refuses this; never add two scales.
                        throw new InvalidOperationException($"{balance.Asset} has {sum.Decimals} and {balance.Amount.Decimals} decimals");
                    }
                    _totals[balance.Asset.Symbol] = _totals.TryGetValue(balance.Asset.Symbol, out var total)
                        ? new Amount(total.BaseUnits + balance.Amount.BaseUnits, total.Decimals)
                        : balance.Amount;
                }
            }
            addresses.Add(new AddressEvidence(
                reserve.Address, reserve.SignedText, reserve.Signature, check.IsValid ? "verified" : check.Reason,
                new SortedDictionary<string, string>(balances.ToDictionary(b => b.Asset.Symbol, b => b.Amount.ToString()), StringComparer.Ordinal)));
        }
        foreach (var failure in batch.Failures.Where(f => f.Address is null || chain.Addresses.Any(r => string.Equals(r.Address, f.Address, comparison))))
        {
            _problems.Add($"{name} {failure.Address}: {failure.Asset} unreadable ({failure.Reason}); not counted");
        }
        var evidence = new ChainEvidence(batch.Chain.ToString(), name, batch.Height, batch.BlockHash, addresses);
        _chains.Add(evidence);
        return evidence;
    }

    public ReservesOutcome Outcome() =>
        new(new ReservesReport(ReservesReport.CurrentFormat, institution, epoch, Totals(), _chains.ToArray()), _problems.ToArray());

    public SortedDictionary<string, string> Totals() =>
        new(_totals.ToDictionary(t => t.Key, t => t.Value.ToString()), StringComparer.Ordinal);
}
