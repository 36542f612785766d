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
using Nethereum.Web3;
using Microsoft.Extensions.Logging;

namespace Aggregator.Prover;

/// <summary>
/// Closes an epoch (docs/operations.md, "Closing an epoch"), the end of one of the publisher's windows:
/// waits until the window's end is final and draws its seed; counts the reserves (ownership checked,
/// lending debts netted) at the heights the seed draws in the window on each EVM chain; reads every
/// account's deposit addresses at the liabilities' time the seed draws (each EVM chain's state then), all
/// from the prover's own nodes, and Solana, which serves no past slot, in one read of its deposits and
/// reserves at the close; commits, proves solvency, publishes to the registry and returns what to
/// announce. Nothing of the books or the reserves is taken from the bus. Each step leaves the epoch directory complete
/// or untouched, so a close that is interrupted and asked again goes on from the last finished step.
/// </summary>
internal sealed partial class EpochCloser(ProverSettings settings, IProver prover, IHttpClientFactory httpFactory, IBus bus, ILogger<EpochCloser> log)
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
                // The ratios the publisher fixed on the registry before this window started (full coverage
                // without a registry).
                var coverage = settings.Registry is { } target
                    ? await RegistryReader(target).CoverageAtAsync(settings.Publisher(), epoch).ConfigureAwait(false)
                    : null;
                var solvency = await new EpochProofs(prover).ProveSolvencyAsync(directory, reservesPath, coverage, cancellationToken).ConfigureAwait(false);
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
                // Every account's file now, into the epoch's inclusion/ folder (served from there), in batches
                // that every prover replica takes; a close asked again keeps the files already proved and valid.
                var all = await InclusionBatches.ProveAllAsync(bus, directory, settings.InclusionBatchAccounts, new LoggedInclusionProgress(log, epoch, TimeSpan.FromSeconds(10)), cancellationToken).ConfigureAwait(false);
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

    // The window's seed and samples, the liabilities at the drawn time, the reserves over the window, the
    // tree: one epoch directory, written whole.
    private async Task CommitAsync(ulong epoch, string directory, CancellationToken cancellationToken)
    {
        var reserves = ReservesConfigFile.Read(settings.ReservesConfigPath);
        var chains = ReserveChains.Open(reserves, _http);
        var window = await WindowAsync(epoch, cancellationToken).ConfigureAwait(false);
        var seedChain = settings.Registry?.Chain ?? chains.FirstOrDefault(c => c.Clock is not null)?.Reader.Chain
            ?? throw new EpochCloseException("a window's seed is drawn on an EVM chain, and the reserves configure none: configure the registry's chain");
        var seed = await WhenReadyAsync(() => WindowedReads.SeedAsync(window, chains, seedChain, cancellationToken), cancellationToken).ConfigureAwait(false);
        Seeded(log, epoch, window, seed.Seed, seed.SeedHeight);
        var read = new List<(ReserveChain, ObservationBatch, SampleEvidence?)>();
        foreach (var chain in chains.Where(c => c.Clock is not null))
        {
            // Reserves are read by the prover, never taken from the bus, from its own node at the heights
            // the window's seed draws (each block's hash checked before and after): borrowed for a block
            // or two, they count only if a drawn height falls there, and then the least one counts.
            var sampled = await WhenReadyAsync(() => WindowedReads.ReadAsync(chain, window, seed, cancellationToken), cancellationToken).ConfigureAwait(false);
            read.AddRange(sampled.Select(s => (chain, s.Batch, (SampleEvidence?)s.Sample)));
        }
        // The liabilities: every deposit address read by the prover itself, on each EVM chain at its state
        // at the drawn time (so the books, like the reserves, are measured when nobody could plan for),
        // and on Solana, which serves no past slot, in one read with its reserves, point-in-time.
        var withDeposits = ReserveChains.Open(reserves.WithDeposits(settings.Accounts.SelectMany(a => a.Deposits)), _http);
        var (liabilities, states) = await WhenReadyAsync(() => WindowedReads.LiabilitiesStatesAsync(window, withDeposits, seed, cancellationToken), cancellationToken).ConfigureAwait(false);
        var books = new List<ObservationBatch>();
        foreach (var (chain, state) in states)
        {
            books.Add(await chain.Reader.RereadAsync(state.Number, state.Hash, cancellationToken).ConfigureAwait(false));
        }
        var solana = new Dictionary<ChainId, SolanaRead>();
        foreach (var cluster in withDeposits.Select(c => c.Reader).OfType<SolanaBalanceReader>())
        {
            var once = await cluster.ReadSpanAsync(0, cancellationToken).ConfigureAwait(false);
            solana[cluster.Chain] = once;
            books.Add(once.Batch);
            read.Add((chains.Single(c => c.Reader.Chain == cluster.Chain), once.Batch, null));
        }
        var heights = books.Select(b => new AppliedBlock(b.Chain, b.Height, b.BlockHash)).ToArray();
        if (PreviousEpoch(epoch) is { } previous && Behind(heights, previous.Heights) is { } behind)
        {
            throw new EpochCloseException($"epoch {epoch} would be taken behind epoch {previous.Epoch}: {behind}");
        }
        var rows = Rows(settings.Parameters, settings.Accounts, books);
        // Custody statements count as the registry's custodians stood at the window's end.
        var custodians = settings.Registry is { } registry
            ? await CustodianRegister.ReadAsync(RegistryReader(registry), reserves.Custodians(),
                DateTimeOffset.FromUnixTimeSeconds((long)window.End)).ConfigureAwait(false)
            : null;
        var counted = ReservesSweep.Count(reserves.Institution, epoch, read, seed with { Liabilities = liabilities }, custodians);
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
        // The tree by the tree workers when the deployment has them, else here.
        var (tree, work) = settings.TreeJobAccounts is { } jobAccounts
            ? await DistributedTree.BuildAsync(bus, settings.Directory, epoch, settings.Parameters, rows, secret, jobAccounts, log, cancellationToken).ConfigureAwait(false)
            : (MerkleSumTree.Build(settings.Parameters, rows, secret, cancellationToken: cancellationToken), null);
        try
        {
            EpochDirectory.Write(directory, tree, secret, epoch, publisher, DateTimeOffset.UtcNow,
                new Dictionary<string, string> { [EpochProofs.ReservesEvidenceFile] = ReservesReportFile.Serialize(counted.Report) },
                [.. heights.Select(h => new EpochManifest.HeightEntry(h.Chain.ToString(), h.Height, h.BlockHash))], liabilities.Time);
        }
        finally
        {
            work?.Delete(); // its copy of the secret goes whether the epoch was written or not
        }
        var described = Describe(heights);
        Committed(log, epoch, rows.Count, liabilities.Time, described);
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

    // Each reserve address whose ownership is not proven or whose balance could not be read, and why.
    // The registry read (never written) through the prover's own node: the coverage ratios and custodians a close obeys.
    private SolvencyRegistryClient RegistryReader(RegistryTarget target) => new(new Web3(target.RpcUrl), target.Address, settings.Publisher());

    // Addresses whose evidence failed (a self-declared one is by design not counted, not a failure).
    private static string[] Uncounted(ReservesReport report) =>
        [.. report.Chains.SelectMany(c => c.Addresses
            .Where(a => a.Ownership != "verified" && a.Evidence != ReserveEvidenceNames.SelfDeclared)
            .Select(a => $"{c.Name} {a.Address}: {a.Ownership}"))];

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

    /// <summary>
    /// One leaf row per account: per commitment asset, the sum of its deposit addresses' balances across the
    /// chains, rounded up to proof units. A deposit balance that could not be read, an asset held that the
    /// commitment does not list, or a sum beyond a leaf's range stops the close: the books would be short.
    /// </summary>
    internal static List<LiabilityRow> Rows(CommitmentParameters parameters, IReadOnlyList<ProverAccount> accounts, IReadOnlyList<ObservationBatch> books)
    {
        var owner = new Dictionary<(ChainId, string), int>();
        for (var i = 0; i < accounts.Count; i++)
        {
            foreach (var (chain, address) in accounts[i].Deposits)
            {
                var key = (chain, chain.Family == ChainFamily.Evm ? address.ToLowerInvariant() : address);
                if (!owner.TryAdd(key, i) && owner[key] != i)
                {
                    throw new EpochCloseException($"deposit address {address} on {chain} belongs to two accounts ('{accounts[owner[key]].Id}' and '{accounts[i].Id}')");
                }
            }
        }
        var held = new Dictionary<(int Account, Core.Assets.AssetId Asset), Amount>();
        foreach (var batch in books)
        {
            var unread = batch.Failures.Where(f => f.Address is null || owner.ContainsKey((batch.Chain, batch.Chain.Family == ChainFamily.Evm ? f.Address.ToLowerInvariant() : f.Address))).ToArray();
            if (unread.Length > 0)
            {
                throw new EpochCloseException($"{batch.Chain} at height {batch.Height}: {unread.Length} deposit balances could not be read (first: {unread[0].Address ?? "every address"} {unread[0].Asset}: {unread[0].Reason}): the books would be short");
            }
            foreach (var balance in batch.Balances)
            {
                if (!owner.TryGetValue((batch.Chain, batch.Chain.Family == ChainFamily.Evm ? balance.Address.ToLowerInvariant() : balance.Address), out var account))
                {
                    continue; // a reserve address, read in the same call
                }
                var key = (account, balance.Asset);
                held[key] = held.TryGetValue(key, out var sum)
                    ? sum.Decimals == balance.Amount.Decimals ? new Amount(sum.BaseUnits + balance.Amount.BaseUnits, sum.Decimals)
                        : throw new EpochCloseException($"{balance.Asset} is read in {sum.Decimals} decimals on one chain and {balance.Amount.Decimals} on {batch.Chain}")
                    : balance.Amount;
            }
        }
        var committed = parameters.Assets.Select(a => a.Id).ToHashSet();
        foreach (var stray in held.Where(h => !committed.Contains(h.Key.Asset) && h.Value.BaseUnits != 0).Take(1))
        {
            throw new EpochCloseException($"account '{accounts[stray.Key.Account].Id}' holds {stray.Key.Asset}, which the commitment does not list: its liabilities would go uncounted");
        }
        var rows = new List<LiabilityRow>(accounts.Count);
        for (var i = 0; i < accounts.Count; i++)
        {
            var balances = new ulong[parameters.AssetCount];
            for (var k = 0; k < balances.Length; k++)
            {
                if (!held.TryGetValue((i, parameters.Assets[k].Id), out var amount))
                {
                    continue;
                }
                var proofUnits = amount.Rescale(parameters.Assets[k].ProofDecimals, Rounding.Up).BaseUnits;
                balances[k] = proofUnits <= ulong.MaxValue
                    ? (ulong)proofUnits
                    : throw new EpochCloseException($"account '{accounts[i].Id}' is owed {proofUnits} proof units of {parameters.Assets[k].Id}; a leaf holds at most 2^64 - 1");
            }
            rows.Add(new LiabilityRow(accounts[i].Id, balances));
        }
        return rows;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: window {Window}, seed {Seed} (block {SeedHeight} of the registry's chain)")]
    private static partial void Seeded(ILogger logger, ulong epoch, ReserveWindow window, string seed, ulong seedHeight);

    [LoggerMessage(Level = LogLevel.Information, Message = "waiting for the window to be final: {Reason}")]
    private static partial void Waiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: committed {Accounts} accounts, their books at time {Time}: {Heights}")]
    private static partial void Committed(ILogger logger, ulong epoch, int accounts, ulong time, string heights);

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
