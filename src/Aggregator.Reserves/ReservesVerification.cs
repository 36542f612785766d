using System.Text.Json;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Evidence;

namespace Aggregator.Reserves;

/// <summary>
/// Checks a reserves report against the chains: the window's seed is the prevrandao of the first finalized
/// block of the seed chain at or after the window's end, each EVM chain's heights are exactly the ones the
/// seed draws, each recorded block is still the chain's block at that height, every balance and debt read
/// there again, every signature verified again (a custody statement against the custodians as the registry
/// had them at the window's end, when given), the totals (least net per chain, summed) and the totals per
/// evidence tag recomputed.
/// Solana's RPC serves current state only, so a cluster is re-read now and is never counted as checked:
/// it is reported as "slot S not re-readable" with its balances now. A chain whose node cannot be
/// reached is not checked either, and says why.
/// </summary>
public static class ReservesVerification
{
    /// <summary>What was checked and what differs; the report is valid when <see cref="VerificationOutcome.Failures"/> is empty.</summary>
    /// <exception cref="InputException">A recorded chain is not in the configuration, or is recorded twice.</exception>
    public static async Task<VerificationOutcome> VerifyAsync(
        ReservesReport report, string institution, IReadOnlyList<ReserveChain> chains, string source, CustodianRegister? custodians = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(chains);
        var failures = new List<string>();
        var confirmed = new List<string>();
        var notChecked = new List<string>();
        var asRecorded = true;
        var tally = new ReservesTally(institution, report.Epoch, custodians);
        var recordedNames = new HashSet<string>(StringComparer.Ordinal);
        var recordedHeights = new HashSet<(string, ulong)>();
        for (var i = 0; i < report.Chains.Count; i++)
        {
            var recorded = report.Chains[i];
            if (!recordedHeights.Add((recorded.Name, recorded.Height)))
            {
                throw new InputException($"chain '{recorded.Name}' is recorded twice at height {recorded.Height}", file: source, field: $"$.chains[{i}].height");
            }
            recordedNames.Add(recorded.Name);
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
            var evidence = tally.Add(chain, batch, recorded.Sample) with { Height = recorded.Height, BlockHash = batch.Chain.Family == ChainFamily.Solana ? recorded.BlockHash : batch.BlockHash };
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
        await CheckWindowAsync(report, chains, failures, confirmed, notChecked, cancellationToken).ConfigureAwait(false);
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
        var byEvidence = tally.TotalsByEvidence();
        if (asRecorded && failures.Count == 0 && !SameJson(byEvidence, report.ByEvidence))
        {
            failures.Add($"the totals per evidence tag {JsonSerializer.Serialize(byEvidence, ReservesJsonContext.Default.SortedDictionaryStringSortedDictionaryStringString)} are not the recorded {JsonSerializer.Serialize(report.ByEvidence, ReservesJsonContext.Default.SortedDictionaryStringSortedDictionaryStringString)}");
        }
        if (asRecorded && failures.Count == 0 && tally.ClaimsRoot() != report.ClaimsRoot)
        {
            failures.Add($"the claims root over the addresses counted is {tally.ClaimsRoot()}, not the recorded {report.ClaimsRoot}");
        }
        failures.AddRange(tally.Problems);
        if (report.Institution != institution)
        {
            failures.Add($"the report is for institution '{report.Institution}', the configuration for '{institution}'");
        }
        return new VerificationOutcome(confirmed, failures, notChecked);
    }

    // The window: its end is the epoch, its seed the seed chain's, and each EVM chain's recorded heights
    // exactly the ones the seed draws. Without a window the EVM chains were read at one height of the
    // institution's choosing: said, not failed (verify solvency requires a window).
    private static async Task CheckWindowAsync(ReservesReport report, IReadOnlyList<ReserveChain> chains, List<string> failures, List<string> confirmed, List<string> notChecked, CancellationToken cancellationToken)
    {
        if (report.Window is not { } recorded)
        {
            notChecked.Add("no window: the EVM chains were read at one height each, chosen by whoever ran the sweep (point-in-time)");
            return;
        }
        if (recorded.End != report.Epoch)
        {
            failures.Add($"the window ends at {recorded.End}, not at the epoch {report.Epoch}");
            return;
        }
        var window = new Windows.ReserveWindow(recorded.Start, recorded.End, recorded.Samples);
        WindowEvidence seed;
        try
        {
            seed = await Windows.WindowedReads.SeedAsync(window, chains, ChainId.Parse(recorded.SeedChain), cancellationToken).ConfigureAwait(false);
        }
        catch (ChainReadFailedException unreachable)
        {
            notChecked.Add($"the window's seed and draws: {unreachable.Message}");
            return;
        }
        catch (Exception error) when (error is InputException or Windows.WindowNotReadyException or FormatException)
        {
            failures.Add($"the window's seed cannot be drawn again: {error.Message}");
            return;
        }
        if (!SameJson(seed, recorded with { Liabilities = null }))
        {
            failures.Add($"the window's seed is block {seed.SeedHeight} ({seed.SeedBlockHash}) prevrandao {seed.Seed} of {seed.SeedChain}, not the recorded block {recorded.SeedHeight} ({recorded.SeedBlockHash}) {recorded.Seed}");
            return;
        }
        confirmed.Add($"window {window}: seed {seed.Seed}, the prevrandao of {seed.SeedChain} block {seed.SeedHeight}, the first finalized block at or after its end");
        await CheckLiabilitiesTimeAsync(recorded, window, chains, seed, failures, confirmed, notChecked, cancellationToken).ConfigureAwait(false);
        foreach (var chain in chains.Where(c => c.Clock is not null))
        {
            try
            {
                // Each height with the draw that chose it, the time it targeted and the block's time: all as drawn again.
                var drawn = (await Windows.WindowedReads.SampleAsync(chain, window, seed, cancellationToken).ConfigureAwait(false))
                    .Select(s => (s.Block.Number, new SampleEvidence(s.Draw, s.Target, s.Block.Time))).ToArray();
                var recordedSamples = report.Chains.Where(c => c.Name == chain.Reader.Name).OrderBy(c => c.Height).Select(c => (c.Height, c.Sample)).ToArray();
                if (drawn.SequenceEqual(recordedSamples!))
                {
                    confirmed.Add($"{chain.Reader.Name}: heights {string.Join(", ", drawn.Select(d => d.Number))} are the window's draws");
                }
                else
                {
                    failures.Add($"{chain.Reader.Name}: the window's draws are heights {string.Join(", ", drawn.Select(d => $"{d.Number} ({Describe(d.Item2)})"))}, the report has {string.Join(", ", recordedSamples.Select(r => $"{r.Height} ({(r.Sample is null ? "no sample" : Describe(r.Sample))})"))}");
                }
            }
            catch (Exception error) when (error is InputException or Windows.WindowNotReadyException or ChainReadFailedException)
            {
                notChecked.Add($"{chain.Reader.Name}: the window's draws cannot be made again: {error.Message}");
            }
        }
    }

    // The liabilities' time and heights, drawn again from the seed: a time of the institution's choosing
    // would let it take its books when they were smallest.
    private static async Task CheckLiabilitiesTimeAsync(WindowEvidence recorded, Windows.ReserveWindow window, IReadOnlyList<ReserveChain> chains, WindowEvidence seed,
        List<string> failures, List<string> confirmed, List<string> notChecked, CancellationToken cancellationToken)
    {
        if (recorded.Liabilities is not { } taken)
        {
            return; // a reserves-only sweep: no books were taken (verify solvency requires them of an epoch's evidence)
        }
        try
        {
            var (again, _) = await Windows.WindowedReads.LiabilitiesStatesAsync(window, chains, seed, cancellationToken).ConfigureAwait(false);
            var described = $"draw {again.Draw} (seed mod {window.Samples}) targets {again.Target} on {seed.SeedChain}, whose state then is at {again.Time}";
            if (again.Draw == taken.Draw && again.Target == taken.Target && again.Time == taken.Time && again.Heights.SequenceEqual(taken.Heights))
            {
                confirmed.Add($"liabilities: {described}; each chain's books at its state then ({string.Join(", ", again.Heights.Select(h => $"{h.Chain}@{h.Height}"))})");
            }
            else
            {
                failures.Add($"liabilities: {described}, heights {string.Join(", ", again.Heights.Select(h => $"{h.Chain}@{h.Height}"))}; the evidence has draw {taken.Draw}, time {taken.Time}, heights {string.Join(", ", taken.Heights.Select(h => $"{h.Chain}@{h.Height}"))}");
            }
        }
        catch (Exception error) when (error is InputException or Windows.WindowNotReadyException or ChainReadFailedException)
        {
            notChecked.Add($"the liabilities' time cannot be drawn again: {error.Message}");
        }
    }

    private static string Describe(SampleEvidence sample) =>
        sample.Draw is { } draw ? $"draw {draw} at {sample.Target}, block time {sample.BlockTime}" : $"every block, block time {sample.BlockTime}";

    private static string Describe(ChainEvidence chain) =>
        string.Join(", ", chain.Addresses.Select(a => $"{a.Address} {string.Join(" ", a.Balances.Select(b => $"{b.Value} {b.Key}"))}"));

    private static bool SameJson<T>(T a, T b) =>
        JsonSerializer.Serialize(a, typeof(T), ReservesJsonContext.Default) == JsonSerializer.Serialize(b, typeof(T), ReservesJsonContext.Default);
}

/// <summary>The chains confirmed as recorded, every difference found, and what could not be checked (and why).</summary>
public sealed record VerificationOutcome(IReadOnlyList<string> Confirmed, IReadOnlyList<string> Failures, IReadOnlyList<string> NotChecked);
