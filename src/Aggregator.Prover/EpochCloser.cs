using System.Globalization;
using System.Numerics;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Commitment;
using Aggregator.Core.Amounts;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Core.Observations;
using Aggregator.Host.Bus;
using Aggregator.Host.Http;
using Aggregator.Messages;
using Aggregator.Proving;
using Aggregator.Reserves;
using Aggregator.Reserves.Chains;
using Aggregator.Reserves.Configuration;
using Aggregator.Reserves.Evidence;
using Aggregator.Reserves.Windows;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Prover;

/// <summary>
/// Closes an epoch (docs/operations.md, "Closing an epoch"), the end of one of the publisher's windows:
/// waits until the window's end is final and draws its seed; asks every engine partition for its
/// liabilities until all answer at the same block per chain (each block checked against the prover's own
/// node); counts the reserves (ownership checked, lending debts netted) at the heights the seed draws in
/// the window on each EVM chain, read from the prover's own node, and on Solana, which serves no past
/// slot, in the prover's own read, handed to the engines before they answer; commits, proves solvency,
/// publishes to the registry and returns what to announce. Each step leaves the epoch directory complete
/// or untouched, so a close that is interrupted and asked again goes on from the last finished step.
/// </summary>
internal sealed partial class EpochCloser(ProverSettings settings, LiabilitiesCollector collector, IProver prover, IHttpClientFactory httpFactory, MassTransit.IBus bus, ILogger<EpochCloser> log)
{
    // One client for the role's life: its pooled connections are recycled by the handler (ChainHttp).
    private readonly HttpClient _http = ChainHttp.CreateClient(httpFactory);


    /// <exception cref="EpochCloseException">The epoch cannot be closed; the reason says why.</exception>
    public async Task<(EpochClosed Closed, ReservesObserved Reserves)> CloseAsync(ulong epoch, CancellationToken cancellationToken)
    {
        var directory = settings.EpochDirectory(epoch);
        try
        {
            if (NextStep(directory) == CloseStep.Commit)
            {
                await CommitAsync(epoch, directory, cancellationToken).ConfigureAwait(false);
            }
            var reservesPath = Path.Combine(directory, EpochProofs.ReservesEvidenceFile);
            var report = ReservesReportFile.Read(reservesPath);
            var problems = Uncounted(report);
            if (NextStep(directory) == CloseStep.Prove)
            {
                var solvency = await new EpochProofs(prover).ProveSolvencyAsync(directory, reservesPath, cancellationToken).ConfigureAwait(false);
                if (!solvency.Solvent)
                {
                    throw new EpochCloseException($"reserves do not cover liabilities: {string.Join("; ", solvency.Shortfalls.Concat(problems.Select(p => $"not counted: {p}")))}");
                }
                Proved(log, epoch);
            }
            var transaction = EpochDirectory.ReadManifest(directory).Publication?.TransactionHash;
            if (settings.Registry is { } registry && NextStep(directory) == CloseStep.Publish)
            {
                // A publication mined but not recorded (a crash between the two) is found in the registry
                // and recorded, not sent again.
                var web3 = await PublisherKey.ConnectAsync(registry.RpcUrl, settings.PublisherKeyFile, "epochs.registry", cancellationToken).ConfigureAwait(false);
                transaction = (await RegistryPublisher.PublishAsync(directory, web3, registry.Address, allowInsecureKeys: false, cancellationToken).ConfigureAwait(false)).TransactionHash;
            }
            if (settings.ProveAllAtClose && transaction is not null)
            {
                // Every account's file now, into the epoch's inclusion/ folder (served from there); a close
                // asked again keeps the files already proved and valid.
                var all = await new EpochProofs(prover).ProveAllInclusionsAsync(directory, Path.Combine(directory, "inclusion"), VerificationKeys.Locate(settings.KeysDirectory), cancellationToken: cancellationToken).ConfigureAwait(false);
                ProvedAll(log, epoch, all.Proved, all.Kept, all.Elapsed.TotalSeconds);
            }
            var manifest = EpochDirectory.ReadManifest(directory);
            var heights = (manifest.Liabilities ?? []).Select(c => new AppliedBlock(ChainId.Parse(c.Chain), c.Height, c.BlockHash)).ToArray();
            var totals = manifest.Reserves!.Zip(manifest.Assets, (r, a) => new ReserveTotal(
                new Core.Assets.AssetId(r.Symbol), new Amount(BigInteger.Parse(r.ProofUnits, CultureInfo.InvariantCulture), a.ProofDecimals))).ToArray();
            return (new EpochClosed(epoch, manifest.Commitment, Path.GetFullPath(Path.Combine(directory, EpochDirectory.ManifestFile)), transaction, heights),
                    new ReservesObserved(epoch, heights, totals, problems));
        }
        catch (Exception error) when (error is InputException or ChainReadFailedException or ChainMismatchException or ChainReorganizedException
            or Chains.Evm.Registry.RegistryRejectedException or ProverUnavailableException)
        {
            throw new EpochCloseException(error.Message);
        }
    }

    /// <summary>What a close of the epoch in <paramref name="directory"/> does next; each step is written whole, so a close interrupted at any point goes on from here.</summary>
    internal static CloseStep NextStep(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return CloseStep.Commit;
        }
        var manifest = EpochDirectory.ReadManifest(directory);
        // The proof is written before the manifest names the reserves it proved: either missing, and
        // the proof is made (again).
        if (manifest.Reserves is null || !File.Exists(Path.Combine(directory, EpochProofs.SolvencyProofFile)))
        {
            return CloseStep.Prove;
        }
        return manifest.Publication?.TransactionHash is null ? CloseStep.Publish : CloseStep.Announce;
    }

    // The window's seed and samples, the liabilities' snapshot, the reserves over the window, the tree: one
    // epoch directory, written whole.
    private async Task CommitAsync(ulong epoch, string directory, CancellationToken cancellationToken)
    {
        var reserves = ReservesConfigFile.Read(settings.ReservesConfigPath);
        var chains = ReserveChains.Open(reserves, _http);
        var window = await WindowAsync(epoch, cancellationToken).ConfigureAwait(false);
        var seedChain = settings.Registry?.Chain ?? chains.FirstOrDefault(c => c.Clock is not null)?.Reader.Chain
            ?? throw new EpochCloseException("a window's seed is drawn on an EVM chain, and the reserves configure none: configure the registry's chain");
        var seed = await WhenReadyAsync(() => WindowedReads.SeedAsync(window, chains, seedChain, cancellationToken), cancellationToken).ConfigureAwait(false);
        Seeded(log, epoch, window, seed.Seed, seed.SeedHeight);
        var (snapshot, solana) = await SnapshotAsync(epoch, chains, reserves, cancellationToken).ConfigureAwait(false);
        if (PreviousEpoch(epoch) is { } previous && Behind(snapshot[0].Heights, previous.Heights) is { } behind)
        {
            throw new EpochCloseException($"epoch {epoch} would be taken behind epoch {previous.Epoch}: {behind}");
        }
        // The liabilities are the engines' figures at their blocks: each block must be the chain's, as the
        // prover's own node has it, or a forged or reorged batch (deposits under-reported) would be committed.
        foreach (var chain in chains.Where(c => c.Clock is not null))
        {
            var block = snapshot[0].Heights.Single(h => h.Chain == chain.Reader.Chain);
            var hash = await chain.Reader.BlockHashAtAsync(block.Height, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(hash, block.BlockHash, StringComparison.OrdinalIgnoreCase))
            {
                throw new EpochCloseException($"the engines' liabilities are not the chain's: {chain.Reader.Name}: block {block.Height} is now {hash}, not the recorded {block.BlockHash} (a reorg, or a forged batch)");
            }
        }
        var rows = Rows(settings.Parameters, settings.Accounts, snapshot);
        var read = new List<(ReserveChain, ObservationBatch, SampleEvidence?)>();
        foreach (var chain in chains)
        {
            if (chain.Clock is not null)
            {
                // Reserves are read by the prover, never taken from the bus, from its own node at the heights
                // the window's seed draws (each block's hash checked before and after): borrowed for a block
                // or two, they count only if a drawn height falls there, and then the least one counts.
                var sampled = await WhenReadyAsync(() => WindowedReads.ReadAsync(chain, window, seed, cancellationToken), cancellationToken).ConfigureAwait(false);
                read.AddRange(sampled.Select(s => (chain, s.Batch, (SampleEvidence?)s.Sample)));
            }
            else
            {
                // Solana serves no past slot: the read the engines' liabilities are at, point-in-time.
                read.Add((chain, solana[chain.Reader.Chain].Batch, null));
            }
        }
        var counted = ReservesSweep.Count(reserves.Institution, epoch, read, seed);
        counted = counted with
        {
            Report = counted.Report with
            {
                Chains = [.. counted.Report.Chains.Select(c => solana.TryGetValue(ChainId.Parse(c.Chain), out var span) ? c with { FirstHeight = span.FirstSlot } : c)],
            },
        };
        // Every reserve address proven and read, or nothing is committed: an address left out silently
        // would make the reserves look smaller, or a missing signature be found only after the proof.
        var unproven = Uncounted(counted.Report);
        if (unproven.Length > 0)
        {
            throw new EpochCloseException($"epoch {epoch}: {unproven.Length} reserve addresses not counted, nothing committed: {string.Join("; ", unproven)}");
        }
        if (counted.Problems.Count > 0)
        {
            throw new EpochCloseException($"epoch {epoch}: the reserves are not all counted, nothing committed: {string.Join("; ", counted.Problems)}");
        }
        var publisher = PublisherAddress.Parse(settings.Publisher().ToLowerInvariant());
        var secret = EpochSecret.Generate();
        var tree = MerkleSumTree.Build(settings.Parameters, rows, secret, cancellationToken: cancellationToken);
        EpochDirectory.Write(directory, tree, secret, epoch, publisher, DateTimeOffset.UtcNow,
            new Dictionary<string, string> { [EpochProofs.ReservesEvidenceFile] = ReservesReportFile.Serialize(counted.Report) },
            [.. snapshot[0].Heights.Select(h => new EpochManifest.HeightEntry(h.Chain.ToString(), h.Height, h.BlockHash))]);
        var heights = Describe(snapshot[0].Heights);
        Committed(log, epoch, rows.Count, heights);
    }

    // The window the epoch ends: the publisher's, as announced on the registry (the configured windows, if
    // any, must be the same), or the configured ones without a registry.
    private async Task<ReserveWindow> WindowAsync(ulong epoch, CancellationToken cancellationToken)
    {
        if (settings.Registry is not { } registry)
        {
            var windows = settings.Windows ?? throw new EpochCloseException("no registry and no epochs.window configured: an epoch needs a window to sample");
            return epoch % windows.Seconds == 0
                ? ReserveWindow.Ending(epoch, windows.Seconds, windows.Samples)
                : throw new EpochCloseException($"epoch {epoch} does not end a window: windows end at multiples of {windows.Seconds} s");
        }
        var publisher = settings.Publisher();
        var client = new SolvencyRegistryClient(new Nethereum.Web3.Web3(registry.RpcUrl), registry.Address, publisher);
        var announced = await client.WindowOfAsync(publisher).ConfigureAwait(false)
            ?? throw new EpochCloseException($"publisher {publisher} has announced no windows on the registry {registry.Address} (aggregator registry announce)");
        if (settings.Windows is { } configured && (configured.Seconds != announced.Length || configured.Samples != announced.Samples))
        {
            throw new EpochCloseException($"epochs.window is {configured.Seconds} s sampled {configured.Samples} times; the registry has the publisher's windows at {announced.Length} s sampled {announced.Samples} times");
        }
        if (!announced.EndsWindow(epoch))
        {
            throw new EpochCloseException($"epoch {epoch} does not end one of the publisher's windows (the first ends at {announced.FirstEnd}, then every {announced.Length} s)");
        }
        if (NextStep(settings.EpochDirectory(epoch)) == CloseStep.Commit && await client.StatusOfAsync(publisher, epoch).ConfigureAwait(false) == EpochStatus.Missed)
        {
            throw new EpochCloseException($"epoch {epoch} is missed: its publication deadline has passed");
        }
        cancellationToken.ThrowIfCancellationRequested();
        return ReserveWindow.Ending(epoch, announced.Length, announced.Samples);
    }

    // A step that needs the window's end to be final (its seed drawable, every chain confirmed past it),
    // asked again until it is or the wait runs out.
    private async Task<T> WhenReadyAsync<T>(Func<Task<T>> step, CancellationToken cancellationToken)
    {
        var giveUp = DateTime.UtcNow + settings.WindowWait;
        while (true)
        {
            try
            {
                return await step().ConfigureAwait(false);
            }
            catch (WindowNotReadyException notYet) when (DateTime.UtcNow < giveUp)
            {
                Waiting(log, notYet.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
            catch (WindowNotReadyException notYet)
            {
                throw new EpochCloseException($"the window is not final after {settings.WindowWait.TotalMinutes:0} min: {notYet.Message}");
            }
        }
    }

    // Every partition's answer, all at the same block of every chain of the reserves, each Solana cluster
    // at the prover's own read of it: asked again while they differ (a batch reaches the partitions one
    // after another, and the prover's read reaches them after it is published) or a chain has no block
    // yet; a cluster the engines have moved past (an adapter's later batch) is read again.
    private async Task<(IReadOnlyList<LiabilitiesReported> Reports, Dictionary<ChainId, SolanaRead> Solana)> SnapshotAsync(
        ulong epoch, IReadOnlyList<ReserveChain> chains, ReservesConfig reserves, CancellationToken cancellationToken)
    {
        var solana = new Dictionary<ChainId, SolanaRead>();
        // The hash each cluster's next read replaces at its slot: an adapter's batch ("") at first, or an
        // earlier read of this prover's that the engines hold at the same slot.
        var replaces = new Dictionary<ChainId, string>();
        var clusters = ReserveChains.Open((reserves with { Evm = [] }).WithDeposits(settings.Deposits), _http)
            .Select(c => c.Reader).OfType<SolanaBalanceReader>().ToArray();
        var why = "";
        for (var attempt = 0; attempt < settings.SnapshotAttempts; attempt++)
        {
            foreach (var cluster in clusters.Where(c => !solana.ContainsKey(c.Chain)))
            {
                solana[cluster.Chain] = await ReadAndHandOnAsync(cluster, replaces.GetValueOrDefault(cluster.Chain, ""), cancellationToken).ConfigureAwait(false);
            }
            var reports = await collector.CollectAsync(epoch, settings.Partitions, settings.PartitionTimeout, cancellationToken).ConfigureAwait(false);
            var first = reports[0].Heights;
            var differing = reports.FirstOrDefault(r => !r.Heights.SequenceEqual(first));
            var unread = chains.Select(c => c.Reader.Chain).Where(chain => !first.Any(h => h.Chain == chain)).ToArray();
            var elsewhere = solana.Values.Select(read => (Read: read, Engines: first.FirstOrDefault(h => h.Chain == read.Batch.Chain)))
                .Where(c => c.Engines is null || c.Engines.Height != c.Read.Batch.Height || c.Engines.BlockHash != c.Read.Batch.BlockHash).ToArray();
            if (differing is null && unread.Length == 0 && elsewhere.Length == 0)
            {
                // Liabilities must be the chains at those heights: a deposit that could not be read, or a
                // chain whose newer batches the engines refuse, would commit stale figures.
                var problems = reports.SelectMany(r => (r.Problems ?? []).Select(p => $"partition {r.Partition}: {p}")).ToArray();
                return problems.Length == 0
                    ? (reports, solana)
                    : throw new EpochCloseException($"the engines' liabilities are not the chains at {Describe(first)}: {string.Join("; ", problems)}");
            }
            foreach (var (read, engines) in elsewhere.Where(c => c.Engines is not null && c.Engines.Height >= c.Read.Batch.Height))
            {
                // Overtaken by a later batch, or the engines hold another batch at this very slot (an
                // earlier read of this prover's, or an adapter's that came after this read): read again,
                // replacing what they hold at the slot.
                solana.Remove(read.Batch.Chain);
                replaces[read.Batch.Chain] = engines!.Height == read.Batch.Height ? engines.BlockHash : "";
            }
            why = differing is not null
                ? $"partition {differing.Partition} is at {Describe(differing.Heights)}, partition 0 at {Describe(first)}"
                : unread.Length > 0
                    ? $"the engines have applied no batch of {string.Join(", ", unread)} yet"
                    : $"the engines are at {Describe(first)}, the prover's read of {string.Join(", ", elsewhere.Select(c => $"{c.Read.Batch.Chain}@{c.Read.Batch.Height}"))}";
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
        throw new EpochCloseException($"no consistent snapshot after {settings.SnapshotAttempts} attempts: {why}");
    }

    /// <summary>
    /// How the prover's own reads of a Solana cluster are marked, in place of the block hash Solana's RPC
    /// does not give: the engines' answers must name this very read, not an adapter's batch at the same
    /// slot (which could under-report deposits). Only the prover may publish or replace a batch so marked
    /// (<see cref="Host.Bus.PublisherPolicy"/>).
    /// </summary>
    internal const string ReadMark = Host.Bus.PublisherPolicy.ProverReadMark;

    // Reads a Solana cluster's deposit and reserve addresses now and publishes the read as that cluster's
    // batch, marked as the prover's and replacing what the engines hold at that slot: they apply it like an
    // adapter's, and their liabilities are then at the very read the reserves are counted in.
    private async Task<SolanaRead> ReadAndHandOnAsync(SolanaBalanceReader cluster, string replaces, CancellationToken cancellationToken)
    {
        var read = await cluster.ReadSpanAsync(0, cancellationToken).ConfigureAwait(false);
        read = read with { Batch = read.Batch with { BlockHash = $"{ReadMark}{Guid.NewGuid():N}", ReplacesBlockHash = replaces } };
        await bus.PublishBatch(CollateralObserved.Split(read.Batch), cancellationToken).ConfigureAwait(false);
        ReadCluster(log, cluster.Name, read.FirstSlot, read.Batch.Height, read.Batch.Balances.Count);
        return read;
    }

    // Each reserve address whose ownership is not proven or whose balance could not be read, and why.
    private static string[] Uncounted(ReservesReport report) =>
        [.. report.Chains.SelectMany(c => c.Addresses.Where(a => a.Ownership != "verified").Select(a => $"{c.Name} {a.Address}: {a.Ownership}"))];

    // The latest epoch closed here before this one, with its evidence: its heights are a floor.
    private (ulong Epoch, IReadOnlyList<EpochManifest.HeightEntry> Heights)? PreviousEpoch(ulong epoch)
    {
        if (!Directory.Exists(settings.Directory))
        {
            return null;
        }
        var earlier = Directory.GetDirectories(settings.Directory)
            .Select(d => ulong.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 0)
            .Where(e => e > 0 && e < epoch && File.Exists(Path.Combine(settings.EpochDirectory(e), EpochDirectory.ManifestFile)))
            .DefaultIfEmpty().Max();
        return earlier == 0 ? null : (earlier, EpochDirectory.ReadManifest(settings.EpochDirectory(earlier)).Liabilities ?? []);
    }

    /// <summary>
    /// Why a snapshot is behind an earlier epoch's (a chain at a lower height than that epoch was taken
    /// at), or null when it is not: an engine fed an old batch after a restart would otherwise commit
    /// balances older than an epoch already published.
    /// </summary>
    internal static string? Behind(IReadOnlyList<AppliedBlock> heights, IReadOnlyList<EpochManifest.HeightEntry> previous)
    {
        var behind = previous
            .Select(p => (Previous: p, Now: heights.FirstOrDefault(h => h.Chain.ToString() == p.Chain)))
            .Where(c => c.Now is not null && c.Now.Height < c.Previous.Height)
            .Select(c => $"{c.Previous.Chain} at height {c.Now!.Height}, below {c.Previous.Height}")
            .ToArray();
        return behind.Length == 0 ? null : string.Join("; ", behind);
    }

    private static string Describe(IEnumerable<AppliedBlock> heights) => string.Join(", ", heights.Select(h => $"{h.Chain}@{h.Height}"));

    // One leaf row per account: each commitment asset's liability rounded up to proof units. An account
    // answered twice or not at all, or an asset held that the commitment does not list, stops the close.
    internal static List<LiabilityRow> Rows(CommitmentParameters parameters, IReadOnlyList<string> expectedAccounts, IReadOnlyList<LiabilitiesReported> reports)
    {
        var rows = new List<LiabilityRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            var column = parameters.Assets.Select(a => report.Assets.ToList().FindIndex(r => r.Asset == a.Id)).ToArray();
            var uncommitted = Enumerable.Range(0, report.Assets.Count).Where(i => !column.Contains(i)).ToArray();
            foreach (var account in report.Accounts)
            {
                if (account.BaseUnits.Count != report.Assets.Count)
                {
                    throw new EpochCloseException($"partition {report.Partition} gives account '{account.Account}' {account.BaseUnits.Count} amounts for {report.Assets.Count} assets");
                }
                if (!seen.Add(account.Account))
                {
                    throw new EpochCloseException($"account '{account.Account}' is answered by two partitions");
                }
                if (uncommitted.FirstOrDefault(i => account.BaseUnits[i] != 0, -1) is var held and >= 0)
                {
                    throw new EpochCloseException($"account '{account.Account}' holds {report.Assets[held].Asset}, which the commitment does not list: its liabilities would go uncounted");
                }
                var balances = new ulong[parameters.AssetCount];
                for (var k = 0; k < balances.Length; k++)
                {
                    if (column[k] < 0)
                    {
                        continue;
                    }
                    var proofUnits = new Amount(account.BaseUnits[column[k]], report.Assets[column[k]].Decimals).Rescale(parameters.Assets[k].ProofDecimals, Rounding.Up).BaseUnits;
                    balances[k] = proofUnits <= ulong.MaxValue
                        ? (ulong)proofUnits
                        : throw new EpochCloseException($"account '{account.Account}' is owed {proofUnits} proof units of {parameters.Assets[k].Id}; a leaf holds at most 2^64 - 1");
                }
                rows.Add(new LiabilityRow(account.Account, balances));
            }
        }
        var missing = expectedAccounts.Where(a => !seen.Contains(a)).ToArray();
        if (missing.Length > 0)
        {
            throw new EpochCloseException($"{missing.Length} accounts are in no partition's answer (first: '{missing[0]}')");
        }
        return rows;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: window {Window}, seed {Seed} (block {SeedHeight} of the registry's chain)")]
    private static partial void Seeded(ILogger logger, ulong epoch, ReserveWindow window, string seed, ulong seedHeight);

    [LoggerMessage(Level = LogLevel.Information, Message = "waiting for the window to be final: {Reason}")]
    private static partial void Waiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: committed {Accounts} accounts at {Heights}")]
    private static partial void Committed(ILogger logger, ulong epoch, int accounts, string heights);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Cluster}: read {Balances} balances at slots {FirstSlot}..{Slot}, handed to the engines")]
    private static partial void ReadCluster(ILogger logger, string cluster, ulong firstSlot, ulong slot, int balances);

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: every account's inclusion proof written ({Proved} proved, {Kept} kept) in {Seconds:F0} s")]
    private static partial void ProvedAll(ILogger logger, ulong epoch, int proved, int kept, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: solvency proved")]
    private static partial void Proved(ILogger logger, ulong epoch);
}

/// <summary>The steps of a close, in order.</summary>
internal enum CloseStep
{
    /// <summary>No directory yet: take the snapshot, count the reserves, build and write the tree.</summary>
    Commit,

    /// <summary>Committed: prove solvency.</summary>
    Prove,

    /// <summary>Proved: publish to the registry (none configured: nothing to do).</summary>
    Publish,

    /// <summary>Published: announce it.</summary>
    Announce,
}
