using System.Text.Json;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Evidence;

namespace Aggregator.Reserves;

/// <summary>
/// Checks a reserves report against the chains: each recorded block is still the chain's block at that
/// height, every balance read there again, every signature verified again, the totals recomputed.
/// Solana's RPC serves current state only, so a cluster is re-read now and a balance that moved since
/// the report shows as a difference.
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
                continue;
            }
            // Solana reads now, at a later slot: compare what the report says, at its height.
            var evidence = tally.Add(chain, batch) with { Height = recorded.Height, BlockHash = batch.Chain.Family == ChainFamily.Solana ? recorded.BlockHash : batch.BlockHash };
            if (!SameJson(evidence, recorded))
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
        if (failures.Count == 0 && !SameJson(totals, report.Reserves))
        {
            failures.Add($"the totals {JsonSerializer.Serialize(totals, ReservesJsonContext.Default.SortedDictionaryStringString)} are not the recorded {JsonSerializer.Serialize(report.Reserves, ReservesJsonContext.Default.SortedDictionaryStringString)}");
        }
        failures.AddRange(tally.Problems);
        if (report.Institution != institution)
        {
            failures.Add($"the report is for institution '{report.Institution}', the configuration for '{institution}'");
        }
        return new VerificationOutcome(confirmed, failures);
    }

    private static bool SameJson<T>(T a, T b) =>
        JsonSerializer.Serialize(a, typeof(T), ReservesJsonContext.Default) == JsonSerializer.Serialize(b, typeof(T), ReservesJsonContext.Default);
}

/// <summary>The chains confirmed as recorded, and every difference found.</summary>
public sealed record VerificationOutcome(IReadOnlyList<string> Confirmed, IReadOnlyList<string> Failures);
