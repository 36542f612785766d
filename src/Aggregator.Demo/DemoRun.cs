using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Composition;
using Aggregator.Composition.Configuration;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Files;
using Aggregator.Engine;
using Aggregator.Host.Bus;
using Aggregator.Host.Http;
using Aggregator.Margin.Evaluation;
using Aggregator.Messages;
using Aggregator.Prover;
using Aggregator.Proving;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Demo;

/// <summary>
/// `aggregator demo`: the whole product on this machine. Starts two anvils and the Solana test server,
/// builds the <see cref="DemoWorld"/>, runs every role in this process on the chosen bus, publishes the
/// institution's books, moves ETH's price so that margin calls and liquidation plans appear, closes an
/// epoch (reserves with ownership proofs, commitment, solvency proof, publication), fetches and verifies
/// one account's inclusion proof and figures through the API with the account's credential, lends to that
/// account against a private collateral attestation it asks the API for, deploys and reads a
/// Proof-of-Reserve feed per asset, reporting each step with its time; with
/// <see cref="DemoOptions.Serve"/>, it then keeps everything running until cancelled. Everything it started is stopped
/// at the end, or when cancelled.
/// </summary>
public static class DemoRun
{
    /// <summary>Runs the demo; each finished step is reported through <paramref name="report"/> as it ends.</summary>
    /// <exception cref="DemoFailedException">A step did not reach its outcome.</exception>
    public static async Task RunAsync(DemoOptions options, Action<string> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        var total = Stopwatch.StartNew();
        var step = Stopwatch.StartNew();
        void Done(string what)
        {
            report(string.Create(CultureInfo.InvariantCulture, $"{step.Elapsed.TotalSeconds,6:F2} s  {what}"));
            step.Restart();
        }

        using var chainA = await LocalServer.StartAnvilAsync(options.RepositoryRoot, 31337, cancellationToken).ConfigureAwait(false);
        using var chainB = await LocalServer.StartAnvilAsync(options.RepositoryRoot, 31338, cancellationToken).ConfigureAwait(false);
        using var solana = await LocalServer.StartSolanaAsync(options.RepositoryRoot, cancellationToken).ConfigureAwait(false);
        Done($"local chains: anvil {DemoWorld.ChainA} at {chainA.Url}, anvil {DemoWorld.ChainB} at {chainB.Url}, Solana test server at {solana.Url}");

        using var http = ChainHttp.CreateClient();
        var world = await DemoWorld.CreateAsync(options.RepositoryRoot, http, chainA.Url, chainB.Url, solana.Url, options.Directory, options.Accounts, cancellationToken).ConfigureAwait(false);
        Done($"institution: Multicall3, USDC, WBTC, 4 price feeds and the SolvencyRegistry deployed; {options.Accounts:N0} accounts funded on 3 chains, reserves funded; configuration in {world.ConfigPath}");

        var config = RunConfigFile.Read(world.ConfigPath);
        var observed = new Observed();
        var plan = HostPlan.ForRole(config, "all", options.Bus, EnginePartition.Whole, http) with { LogLevel = LogLevel.Warning };
        using var host = AggregatorHost.Build(plan, bus =>
        {
            bus.AddSingleton(observed);
            bus.AddConsumer<ObservedConsumer>().Endpoint(e =>
            {
                e.Name = options.Bus.OwnQueue("demo");
                e.Temporary = true;
            });
        });
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        // Ctrl-C reaches the host first (its console lifetime stops it): the demo stops with it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping);
        cancellationToken = stopping.Token;
        try
        {
            var engine = host.Services.GetRequiredService<EngineBook>();
            await Until(() => config.Engine.Chains.All(c => engine.AppliedHeight(c) is not null), TimeSpan.FromSeconds(60), "every chain's first batch reached the engine", cancellationToken).ConfigureAwait(false);
            Done($"services on {(options.Bus.RabbitMq is null ? "the in-memory bus" : "RabbitMQ")}: adapters, oracle, engine, risk, prover, api; every chain's balances applied ({string.Join(", ", config.Engine.Chains.Select(c => $"{c}@{engine.AppliedHeight(c)}"))})");

            var publish = host.Services.GetRequiredService<IPublishEndpoint>();
            var now = DateTimeOffset.UtcNow;
            var usdc = new AssetId("USDC");
            await publish.PublishBatch(world.Debts.Select((d, i) => new LedgerEntry($"demo-borrow-{i}", d.Account, LedgerEntryKind.Borrow, usdc, new Amount(d.Usdc, 6), now)), cancellationToken).ConfigureAwait(false);
            await Until(() => engine.LedgerEntriesApplied == world.Debts.Count, TimeSpan.FromSeconds(60), "the books' borrow entries were applied", cancellationToken).ConfigureAwait(false);
            Done($"books: {world.Debts.Count:N0} USDC borrows published as ledger entries and applied; {Statuses(engine)}");

            var plansBefore = observed.Plans.Count;
            var callsBefore = observed.Calls.Count;
            var moved = world.EthPrice * 0.7m;
            // Timed from sending the transaction: the oracle may see the new answer before the receipt's poll returns.
            var changedAt = Stopwatch.GetTimestamp();
            await world.MoveEthPriceAsync(moved, cancellationToken).ConfigureAwait(false);
            await Until(() => engine.Book.Market[new AssetId("ETH")].Price == moved, TimeSpan.FromSeconds(30), "the new ETH price reached the engine", cancellationToken).ConfigureAwait(false);
            await Until(() => observed.Plans.Count > plansBefore, TimeSpan.FromSeconds(30), "liquidation plans were published", cancellationToken).ConfigureAwait(false);
            var firstPlan = Stopwatch.GetElapsedTime(changedAt, observed.ArrivalOfPlan(plansBefore));
            await Settled(() => observed.Plans.Count + observed.Calls.Count, cancellationToken).ConfigureAwait(false);
            var example = observed.Plans.Last();
            Done(string.Create(CultureInfo.InvariantCulture,
                $"ETH feed moved from {world.EthPrice / 0.7m:0} to {moved:0} USD: {observed.Calls.Count - callsBefore:N0} margin calls and {observed.Plans.Count - plansBefore:N0} liquidation plans published, the first {firstPlan.TotalMilliseconds:0} ms after the feed's transaction was sent; {Statuses(engine)}; e.g. {example.Account}: repay {example.DebtToCover} {example.DebtAsset}, seize {example.CollateralToSeize} {example.CollateralAsset} on {example.CollateralChain}"));

            var epoch = await world.EndWindowAsync(cancellationToken).ConfigureAwait(false);
            var close = host.Services.GetRequiredService<IClientFactory>().CreateRequestClient<EpochCloseRequested>(RequestTimeout.After(m: 5));
            var response = await close.GetResponse<EpochClosed, EpochCloseFailed>(new EpochCloseRequested(epoch, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
            if (!response.Is(out Response<EpochClosed>? closed))
            {
                response.Is(out Response<EpochCloseFailed>? failed);
                throw new DemoFailedException($"epoch {epoch} was not closed: {failed!.Message.Reason}");
            }
            var stored = await new SolvencyRegistryClient(new Nethereum.Web3.Web3(chainA.Url), world.Registry, plan.Prover!.Publisher()).CommitmentOfAsync(plan.Prover.Publisher(), epoch).ConfigureAwait(false);
            if (stored?.Commitment.ToString(CultureInfo.InvariantCulture) != closed.Message.Commitment)
            {
                throw new DemoFailedException($"the registry does not hold epoch {epoch}'s commitment {closed.Message.Commitment}");
            }
            var reserves = observed.Reserves.LastOrDefault(r => r.Epoch == epoch);
            var evidence = Reserves.Evidence.ReservesReportFile.Read(Path.Combine(Path.GetDirectoryName(closed.Message.ManifestLocation)!, Proving.EpochProofs.ReservesEvidenceFile));
            var sampled = string.Join("; ", evidence.Chains.Where(c => c.Sample is not null).GroupBy(c => c.Name).Select(g => $"{g.Key} at {string.Join(", ", g.Select(c => c.Height))}"));
            Done($"epoch {epoch} closed: window [{evidence.Window!.Start}, {evidence.Window.End}) sampled after it from the prevrandao of {evidence.Window.SeedChain} block {evidence.Window.SeedHeight} ({sampled}; Solana at the close); liabilities at the drawn time {evidence.Window.Liabilities?.Time} (draw {evidence.Window.Liabilities?.Draw}: {string.Join(", ", closed.Message.Heights.Select(h => $"{h.Chain}@{h.Height}"))}): reserves {(reserves is null ? "?" : string.Join(", ", reserves.Totals.Select(t => $"{t.Amount} {t.Asset}")))} (the least over the heights, ownership proved, claims root {evidence.ClaimsRoot[..10]}…; by evidence: {string.Join("; ", evidence.ByEvidence.Select(t => $"{t.Key} {(t.Value.Count == 0 ? "none" : string.Join(", ", t.Value.Select(a => $"{a.Value} {a.Key}")))}"))}, the last never counted); solvency proved at least {Proving.EpochProofs.CoveragePercent(DemoWorld.CoverageBasisPoints)} per asset (the ratio fixed on the registry before the window, the liabilities hidden); commitment {closed.Message.Commitment} published in {closed.Message.RegistryTransaction} and read back from the registry; manifest {closed.Message.ManifestLocation}");

            // The front door: the owner's inclusion proof and figures through the API, with the owner's credential.
            var account = world.Debts[0].Account;
            var publisher = plan.Prover!.Publisher().ToLowerInvariant();
            using var api = new HttpClient { BaseAddress = world.Api };
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", world.Credential);
            using var asked = await api.PostAsync(new Uri($"/v1/epochs/{publisher}/{epoch}/inclusion", UriKind.Relative),
                new StringContent($$"""{ "account": "{{account}}" }""", System.Text.Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false);
            if (!asked.IsSuccessStatusCode)
            {
                throw new DemoFailedException($"the API refused {account}'s inclusion proof: {(int)asked.StatusCode} {await asked.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }
            var proofPath = Path.Combine(options.Directory, $"{account}-inclusion.json");
            SafeFile.WriteAtomically(proofPath, await asked.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), ownerOnly: true);
            var check = ProofChecks.Inclusion(proofPath, ProofChecks.Published.FromManifest(closed.Message.ManifestLocation), VerificationKeys.Installed());
            if (!check.IsValid)
            {
                throw new DemoFailedException($"{account}'s inclusion proof does not verify: {check.Failure}");
            }
            var figures = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync(new Uri($"/v1/accounts/{account}", UriKind.Relative), cancellationToken).ConfigureAwait(false)).RootElement;
            Done($"API at {world.Api}: {account}'s inclusion proof proved on demand by the prover (over the bus), VALID against the published manifest (native verifier, pinned key), written to {proofPath}; its figures: health factor {figures.GetProperty("healthFactor")}, {figures.GetProperty("status").GetString()}, borrowing power {figures.GetProperty("borrowingPower").GetString()} USD");

            var manifest = Commitment.EpochDirectory.ReadManifestFile(closed.Message.ManifestLocation);
            Done(await LendAgainstAttestationAsync(world, api, account, publisher, manifest, closed.Message.ManifestLocation, options.Directory, cancellationToken).ConfigureAwait(false));

            // A Proof-of-Reserve feed per asset, as a lending protocol reads them.
            var feeds = new Dictionary<string, string>();
            var answers = new List<string>();
            foreach (var asset in manifest.Assets)
            {
                feeds[asset.Symbol] = await ReserveFeeds.DeployAsync(closed.Message.ManifestLocation, world.Deployer, world.Registry, publisher, asset.Symbol, asset.ProofDecimals, FeedMeasure.Reserves, cancellationToken).ConfigureAwait(false);
                var coverageFeed = await ReserveFeeds.DeployAsync(closed.Message.ManifestLocation, world.Deployer, world.Registry, publisher, asset.Symbol, ReserveFeedClient.CoverageDecimals, FeedMeasure.Coverage, cancellationToken).ConfigureAwait(false);
                var round = await new ReserveFeedClient(world.Deployer, feeds[asset.Symbol]).LatestRoundAsync().ConfigureAwait(false);
                var ratio = await new ReserveFeedClient(world.Deployer, coverageFeed).LatestRoundAsync().ConfigureAwait(false);
                answers.Add($"{asset.Symbol} {new Amount(round.Answer, asset.ProofDecimals)} covering at least {EpochProofs.CoveragePercent((uint)ratio.Answer)} (round {round.RoundId})");
            }
            Done($"Proof-of-Reserve feeds (AggregatorV3Interface), reserves and coverage ratio per asset, deployed and read: {string.Join(", ", answers)}");

            // Omissions on record: a client disputes the epoch without revealing anything; feeds do not move.
            var disputes = await world.FileDisputeAsync(publisher, epoch, $"{world.Debts[1].Account}: my balance is not what I hold", cancellationToken).ConfigureAwait(false);
            var usdcFeed = await new ReserveFeedClient(world.Deployer, feeds["USDC"]).LatestRoundAsync().ConfigureAwait(false);
            Done($"a client filed a dispute of epoch {epoch} from a fresh address (only keccak256(salt || statement) on chain): {disputes} on record, shown by `verify solvency`; the USDC feed still answers {new Amount(usdcFeed.Answer, manifest.Assets.Single(a => a.Symbol == "USDC").ProofDecimals)} (disputes never move a feed)");

            // An auditor in the loop: registered by the registry's owner, it co-signs the publication and its report.
            var reportPath = Path.Combine(options.Directory, "auditor-report.txt");
            SafeFile.WriteAtomically(reportPath, $"Auditor's report on epoch {epoch} of {publisher}: reserves re-read at the drawn heights; inclusion proofs sampled through the API.\n");
            var coSigned = await world.CoSignAsync(publisher, epoch, await File.ReadAllBytesAsync(reportPath, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            Done($"co-signed on the registry by auditor {coSigned.Auditor.Name} ({coSigned.Auditor.Address}), registered by its owner: EIP-712 over epoch {epoch}'s stored commitment, reserves, claims root and ratios, and report keccak256 0x{Convert.ToHexStringLower(coSigned.ReportHash)} ({reportPath}); `verify solvency` and `auditor list` show it");

            if (options.Serve)
            {
                var served = new System.Text.Json.Nodes.JsonObject
                {
                    ["api"] = world.Api.ToString().TrimEnd('/'),
                    ["verifyPage"] = new Uri(world.Api, "/verify").ToString(),
                    ["protocolKey"] = world.ProtocolKey,
                    ["account"] = account,
                    ["credential"] = world.Credential,
                    ["rpc"] = world.RegistryRpc,
                    ["registry"] = world.Registry,
                    ["publisher"] = publisher,
                    ["epoch"] = epoch,
                    ["feeds"] = new System.Text.Json.Nodes.JsonObject([.. feeds.Select(f => KeyValuePair.Create(f.Key, (System.Text.Json.Nodes.JsonNode?)f.Value))]),
                };
                var apiJson = Path.Combine(options.Directory, "api.json");
                SafeFile.WriteAtomically(apiJson, served.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", ownerOnly: true);
                report($"serving until Ctrl-C (also in {apiJson}, readable by you only):");
                report($"  API           {world.Api}  (OpenAPI: {world.Api}openapi/v1.json)");
                report($"  verifier page {new Uri(world.Api, "/verify")}  (drop {proofPath} there)");
                report($"  protocol key  {world.ProtocolKey}");
                report($"  account       {account}, credential {world.Credential}");
                report($"  registry      {world.Registry} on {world.RegistryRpc}, publisher {publisher}, epoch {epoch}");
                report($"  feeds         {string.Join(", ", feeds.Select(f => $"{f.Key} {f.Value}"))}");
                await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        report(string.Create(CultureInfo.InvariantCulture, $"{total.Elapsed.TotalSeconds,6:F2} s  in all; the local chains are stopped; files stay in {options.Directory}"));
    }

    // Private collateral for a loan: the account asks the API, with its credential, for an attestation at the
    // lending protocol's own prices and haircuts, for its borrower key and the protocol's scope; the
    // protocol lends against it once, and refuses the same account again this epoch.
    private static async Task<string> LendAgainstAttestationAsync(
        DemoWorld world, HttpClient api, string account, string publisher, Commitment.EpochManifest manifest, string manifestPath, string directory, CancellationToken cancellationToken)
    {
        const decimal Threshold = 2_000m;
        var layout = manifest.Assets.Select(a => a.Symbol).ToArray();
        var (protocol, borrower) = await world.DeployLendingAsync(layout, publisher, cancellationToken).ConfigureAwait(false);
        var prices = new System.Text.Json.Nodes.JsonObject();
        var haircuts = new System.Text.Json.Nodes.JsonObject();
        for (var k = 0; k < layout.Length; k++)
        {
            prices[layout[k]] = new Amount(await protocol.GetFunction("priceOf").CallAsync<BigInteger>(k).ConfigureAwait(false), CollateralTerms.ValueDecimals).ToString();
            haircuts[layout[k]] = new Amount(CollateralTerms.FullWeight - DemoWorld.LendingWeights[layout[k]], 4).ToString();
        }
        var borrowerAddress = borrower.TransactionManager.Account.Address.ToLowerInvariant();
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["prices"] = prices, ["haircuts"] = haircuts, ["threshold"] = Threshold.ToString(CultureInfo.InvariantCulture), ["subject"] = borrowerAddress,
            ["scope"] = CollateralAttestationsClient.ScopeOf(ulong.Parse(DemoWorld.ChainA.Reference, CultureInfo.InvariantCulture), protocol.Address).ToString(CultureInfo.InvariantCulture),
            ["publisher"] = publisher, ["epoch"] = manifest.Epoch,
        };
        using var asked = await api.PostAsync(new Uri($"/v1/accounts/{account}/attestations", UriKind.Relative),
            new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false);
        var text = await asked.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!asked.IsSuccessStatusCode)
        {
            throw new DemoFailedException($"the API refused {account}'s collateral attestation: {(int)asked.StatusCode} {text}");
        }
        var path = Path.Combine(directory, $"{account}-attestation.json");
        SafeFile.WriteAtomically(path, text);
        var check = ProofChecks.Attestation(path, ProofChecks.Published.FromManifest(manifestPath), VerificationKeys.Installed());
        if (!check.IsValid)
        {
            throw new DemoFailedException($"{account}'s attestation does not verify: {check.Failure}");
        }
        var (signals, proof) = CollateralAttestations.ContractArguments(System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject());
        var amount = new BigInteger(Threshold) * 100_000_000;
        var borrow = protocol.GetFunction("borrow");
        object[] arguments = [amount, manifest.Epoch, signals.ToList(), proof.ToList()];
        var gas = new Nethereum.Hex.HexTypes.HexBigInteger(1_000_000);
        var receipt = await borrow.SendTransactionAndWaitForReceiptAsync(borrowerAddress, gas, new Nethereum.Hex.HexTypes.HexBigInteger(0), cancellationToken, arguments).ConfigureAwait(false);
        if (receipt.Status.Value != 1)
        {
            throw new DemoFailedException($"the lending protocol refused {account}'s attestation (transaction {receipt.TransactionHash})");
        }
        string again;
        try
        {
            await borrow.CallAsync<object>(borrowerAddress, gas, new Nethereum.Hex.HexTypes.HexBigInteger(0), arguments).ConfigureAwait(false);
            throw new DemoFailedException("the lending protocol lent twice against one attestation");
        }
        catch (Nethereum.Contracts.SmartContractCustomErrorRevertException refused)
        {
            again = protocol.ContractBuilder.ContractABI.Errors.FirstOrDefault(refused.IsCustomErrorFor)?.Name ?? "reverted";
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{account} attested through the API, privately, collateral worth at least {Threshold:N0} USD (its deposits, gross of its debt here) at a lending protocol's feeds and haircuts ({string.Join(", ", layout.Select(s => $"{s} {prices[s]} less {haircuts[s]}"))}) for borrower {borrowerAddress} in the protocol's scope (nullifier {signals[^1].ToString(CultureInfo.InvariantCulture)[..12]}…, written to {path}); the protocol checked subject, scope, prices, weights and epoch, and the proof on chain beside the registry, and lent {Threshold:N0} USD ({receipt.GasUsed.Value:N0} gas); asked again this epoch: {again}");
    }

    private static string Statuses(EngineBook engine)
    {
        var counts = new Dictionary<MarginStatus, int>();
        for (var i = 0; i < engine.Book.AccountCount; i++)
        {
            counts[engine.Book.Status(i)] = counts.GetValueOrDefault(engine.Book.Status(i)) + 1;
        }
        return string.Join(", ", counts.OrderByDescending(c => c.Key).Select(c => $"{c.Value:N0} {Margin.Scenarios.MarginReportJson.StatusName(c.Key)}"));
    }

    private static async Task Until(Func<bool> condition, TimeSpan limit, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new DemoFailedException($"not seen within {limit.TotalSeconds:0} s: {what}");
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    // Waits until a count has not moved for half a second (the last messages of a burst are in).
    private static async Task Settled(Func<int> count, CancellationToken cancellationToken)
    {
        var last = -1;
        while (count() != last)
        {
            last = count();
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }
    }

    internal sealed class Observed
    {
        public ConcurrentQueue<(LiquidationPlanned Plan, long At)> PlanLog { get; } = new();

        public IReadOnlyCollection<LiquidationPlanned> Plans => PlanLog.Select(p => p.Plan).ToArray();

        public ConcurrentQueue<MarginCall> Calls { get; } = new();

        public ConcurrentQueue<ReservesObserved> Reserves { get; } = new();

        /// <summary>When the plan at <paramref name="index"/> (in order of arrival) arrived.</summary>
        public long ArrivalOfPlan(int index) => PlanLog.ElementAt(index).At;
    }

    internal sealed class ObservedConsumer(Observed observed) : IConsumer<LiquidationsPlanned>, IConsumer<MarginCalls>, IConsumer<ReservesObserved>
    {
        public Task Consume(ConsumeContext<LiquidationsPlanned> context)
        {
            var at = Stopwatch.GetTimestamp();
            foreach (var plan in context.Message.Plans)
            {
                observed.PlanLog.Enqueue((plan, at));
            }
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<MarginCalls> context)
        {
            foreach (var call in context.Message.Calls)
            {
                observed.Calls.Enqueue(call);
            }
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<ReservesObserved> context)
        {
            observed.Reserves.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Where and how the demo runs.</summary>
/// <param name="RepositoryRoot">The checkout (contracts/artifacts, deploy/local, circuits/).</param>
/// <param name="Directory">Where the configuration, epochs and proofs are written.</param>
public sealed record DemoOptions(string RepositoryRoot, string Directory, int Accounts, BusTransport Bus)
{
    /// <summary>Keep every service running after the report, until cancelled (Ctrl-C).</summary>
    public bool Serve { get; init; }
}

/// <summary>A demo step did not reach its outcome.</summary>
public sealed class DemoFailedException(string message) : Exception(message);
