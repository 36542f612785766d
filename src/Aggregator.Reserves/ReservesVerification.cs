using System.Text.Json;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Evidence;

namespace Aggregator.Reserves;

/// <summary>
/// Checks a reserves report against the chains: each recorded block is still the chain's block at that
/// height, every balance read there again, every signature verified again, the totals recomputed.
/// Solana's RPC serves current state only, so a cluster is re-read now and is never counted as checked:
/// it is reported as "slot S not re-readable" with its balances now. A chain whose node cannot be
/// reached is not checked either, and says why.
/// </summary>
public static class ReservesVerification
{
    /// <summary>What was checked and what differs; the report is valid when <see cref="VerificationOutcome.Failures"/> is empty.</summary>
    /// <exception cref="InputException">A recorded chain is not in the configuration, or is recorded twice.</exception>
    public static async Task<VerificationOutcome> VerifyAsync(
        ReservesReport report, string institution, IReadOnlyList<ReserveChain> chains, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(chains);
        var failures = new List<string>();
        var confirmed = new List<string>();
        var notChecked = new List<string>();
        var asRecorded = true;
        var tally = new ReservesTally(institution, report.Epoch);
        var recordedNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < report.Chains.Count; i++)
        {
            var recorded = report.Chains[i];
            if (!recordedNames.Add(recorded.Name))
            {
                throw new InputException($"chain '{recorded.Name}' is recorded twice", file: source, field: $"$.chains[{i}].name");
            }
            var chain = chains.FirstOrDefault(c => c.Reader.Name == recorded.Name)
                ?? throw new InputException($"chain '{recorded.Name}' is not in the configuration", file: source, field: $"$.chains[{i}].name");
            Core.Observations.ObservationBatch batch;
            try
            {
                batch = await chain.Reader.RereadAsync(recorded.Height, recorded.BlockHash, cancellationToken).ConfigureAwait(false);
            }
            catch (ChainReorganizedException reorganized)
            {
                failures.Add(reorganized.Message);
                asRecorded = false;
                continue;
            }
            catch (ChainReadFailedException unreachable)
            {
                notChecked.Add($"{recorded.Name}: {unreachable.Message}");
                asRecorded = false;
                continue;
            }
            // Solana reads now, at a later slot: compare what the report says, at its height.
            var evidence = tally.Add(chain, batch) with { Height = recorded.Height, BlockHash = batch.Chain.Family == ChainFamily.Solana ? recorded.BlockHash : batch.BlockHash };
            var same = SameJson(evidence, recorded);
            asRecorded &= same;
            if (batch.Chain.Family == ChainFamily.Solana)
            {
                notChecked.Add($"{recorded.Name}: slot {recorded.Height} not re-readable; balances now (slot {batch.Height}) {(same ? "as recorded" : $"{Describe(evidence)}, recorded {Describe(recorded)}")}");
            }
            else if (!same)
            {
                failures.Add($"{recorded.Name}: the balances or signatures at height {recorded.Height} are not the recorded ones");
            }
            else
            {
                confirmed.Add($"{recorded.Name} at height {recorded.Height}: balances and signatures as recorded");
            }
        }
        var missing = chains.Select(c => c.Reader.Name).Where(name => !recordedNames.Contains(name)).ToArray();
        if (missing.Length > 0)
        {
            failures.Add($"the configuration's chains {string.Join(", ", missing)} are not in the report");
        }
        var totals = tally.Totals();
        if (asRecorded && failures.Count == 0 && !SameJson(totals, report.Reserves))
        {
            failures.Add($"the totals {JsonSerializer.Serialize(totals, ReservesJsonContext.Default.SortedDictionaryStringString)} are not the recorded {JsonSerializer.Serialize(report.Reserves, ReservesJsonContext.Default.SortedDictionaryStringString)}");
        }
        failures.AddRange(tally.Problems);
        if (report.Institution != institution)
        {
            failures.Add($"the report is for institution '{report.Institution}', the configuration for '{institution}'");
        }
        return new VerificationOutcome(confirmed, failures, notChecked);
    }

    private static string Describe(ChainEvidence chain) =>
        string.Join(", ", chain.Addresses.Select(a => $"{a.Address} {string.Join(" ", a.Balances.Select(b => $"{b.Value} {b.Key}"))}"));

    private static bool SameJson<T>(T a, T b) =>
        JsonSerializer.Serialize(a, typeof(T), ReservesJsonContext.Default) == JsonSerializer.Serialize(b, typeof(T), ReservesJsonContext.Default);
}

/// <summary>The chains confirmed as recorded, every difference found, and what could not be checked (and why).</summary>
public sealed record VerificationOutcome(IReadOnlyList<string> Confirmed, IReadOnlyList<string> Failures, IReadOnlyList<string> NotChecked);
