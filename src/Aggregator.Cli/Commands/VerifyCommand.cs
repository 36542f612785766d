using System.CommandLine;
using System.Globalization;
using System.Numerics;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Host.Http;
using Aggregator.Proving;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator verify solvency|inclusion</c>: native verification against the pinned verification keys,
/// printing each check and which key was used. VALID only against a published commitment.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("verify", "Verify a solvency or inclusion proof, or a collateral attestation, natively (BN254 pairing) against the pinned keys, printing each check. Exit 0 valid, 1 invalid, 2 bad input.");
        command.Subcommands.Add(Solvency(context));
        command.Subcommands.Add(Inclusion(context));
        command.Subcommands.Add(Attestation(context));
        return command;
    }

    private static Option<string?> KeysOption() => new("--keys")
    {
        Description = "A directory of verification keys (default: the keys installed with aggregator); each must match its pinned SHA-256",
    };

    private static Option<string?> RpcOption(string purpose) => new("--rpc") { Description = $"JSON-RPC URL of the chain holding the SolvencyRegistry: {purpose} (never printed)" };

    private static Option<string?> RegistryOption() => new("--registry") { Description = "Address of the SolvencyRegistry" };

    private static VerificationKeys Keys(ParseResult parseResult, Option<string?> keys) => VerificationKeys.Locate(parseResult.GetValue(keys));

    private static Command Solvency(CliContext context)
    {
        var epoch = new Option<string>("--epoch") { Description = "The epoch directory (manifest.json, solvency-proof.json)", Required = true };
        var keys = KeysOption();
        var rpc = RpcOption("also check that the registry holds the manifest's commitment and reserves");
        var registry = RegistryOption();
        var publisher = new Option<string?>("--publisher") { Description = "With --rpc: the publisher to look up (default: the manifest's)" };
        var reservesConfig = new Option<string?>("--reserves-config")
        {
            Description = "RESERVES-CONFIG.json naming each chain's node: re-read the epoch's reserves evidence (DIR/reserves.json) there and check every balance and signature",
        };
        var against = new Option<string[]>("--against")
        {
            Description = "With --rpc: EVIDENCE=PUBLISHER, another publisher's published reserves evidence (its epoch's reserves.json, e.g. from the API), repeatable: any reserve address both counted within the registry's challenge distance fails the check, a Solana one included (judged off chain)",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("solvency", "Check DIR/solvency-proof.json against the manifest's commitment and reserves, what the registry holds (--rpc), and the reserves on the chains (--reserves-config). VALID only when all three agree.")
        {
            epoch, keys, rpc, registry, publisher, reservesConfig, against,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            context.WarnIfKeysInsecure();
            var directory = parseResult.GetValue(epoch)!;
            var report = ProofChecks.Solvency(directory, Keys(parseResult, keys));
            var passed = new List<string>(report.Passed);
            var failures = new List<string>();
            var notChecked = new List<string>();
            if (report.Failure is { } proofFailure)
            {
                failures.Add(proofFailure);
            }
            else
            {
                var manifest = EpochDirectory.ReadManifest(directory);
                (AnnouncedWindow? Window, Core.Chains.ChainId Chain, SolvencyRegistryClient Client)? announced = null;
                if (parseResult.GetValue(rpc) is { } url)
                {
                    var address = RegistryAddress(parseResult.GetValue(registry));
                    var who = Publisher(parseResult.GetValue(publisher) ?? manifest.Publisher);
                    var onChain = await OnChain(new ProofChecks.Report([], null), manifest, url, address, who).ConfigureAwait(false);
                    passed.AddRange(onChain.Passed);
                    failures.AddRange(onChain.Failure is { } registryFailure ? [registryFailure] : []);
                    var web3 = new Web3(url);
                    var client = new SolvencyRegistryClient(web3, address, who.Hex);
                    announced = (await client.WindowOfAsync(who.Hex).ConfigureAwait(false),
                        Core.Chains.ChainId.Evm((ulong)(await web3.Eth.ChainId.SendRequestAsync().ConfigureAwait(false)).Value), client);
                    if (onChain.Failure is null)
                    {
                        var (claimsPassed, claimsFailure) = await ClaimsOnChain(client, who, manifest.Epoch, directory).ConfigureAwait(false);
                        passed.AddRange(claimsPassed);
                        failures.AddRange(claimsFailure is null ? [] : [claimsFailure]);
                        var (againstPassed, againstFailures) = await ClaimedByOthers(client, who, directory, parseResult.GetValue(against) ?? []).ConfigureAwait(false);
                        passed.AddRange(againstPassed);
                        failures.AddRange(againstFailures);
                    }
                }
                else
                {
                    notChecked.Add("publication: no registry was read (give --rpc and --registry)");
                }
                var reserves = await ReservesOnChain(directory, manifest, parseResult.GetValue(reservesConfig), announced, cancellationToken).ConfigureAwait(false);
                (passed, failures, notChecked) = ([.. passed, .. reserves.Confirmed], [.. failures, .. reserves.Failures], [.. notChecked, .. reserves.NotChecked]);
            }
            return Console.Verdict.Print(context, passed, failures, notChecked, "VALID");
        });
        return command;
    }

    // The reserves the proof claims, against the evidence the epoch carries, re-read on the chains.
    // The published claims root must be the evidence's (which reserves verification recomputes from the
    // addresses counted), and the publication must not have been proven to double-claim.
    private static async Task<(IReadOnlyList<string> Passed, string? Failure)> ClaimsOnChain(SolvencyRegistryClient client, PublisherAddress publisher, ulong epoch, string directory)
    {
        var evidencePath = Path.Combine(directory, EpochProofs.ReservesEvidenceFile);
        var published = "0x" + Convert.ToHexStringLower(await client.ClaimsRootOfAsync(publisher.Hex, epoch).ConfigureAwait(false));
        if (File.Exists(evidencePath) && Reserves.Evidence.ReservesReportFile.Read(evidencePath).ClaimsRoot is var recorded && recorded != published)
        {
            return ([], $"claims: the registry holds claims root {published}, the evidence {recorded}");
        }
        if (await client.DoubleClaimedAsync(publisher.Hex, epoch).ConfigureAwait(false))
        {
            return ([], $"claims: epoch {epoch} of {publisher} was proven on the registry to count reserves another publisher counted too (DoubleClaimProven)");
        }
        return ([$"claims: the registry holds claims root {published}, the evidence's; no double claim proven against it", .. await RecordLines(client, publisher, epoch).ConfigureAwait(false)], null);
    }

    // The epoch's counted addresses against other publishers' published evidence (docs/proofs.md, "Double
    // claims"): the registry's challenge proves an EVM one for good; a Solana one (ed25519, no EVM
    // precompile) can only be judged here, so a verifier given the other evidence shows it.
    private static async Task<(IReadOnlyList<string> Passed, IReadOnlyList<string> Failures)> ClaimedByOthers(
        SolvencyRegistryClient client, PublisherAddress publisher, string directory, string[] against)
    {
        if (against.Length == 0)
        {
            return ([], []);
        }
        var evidencePath = Path.Combine(directory, EpochProofs.ReservesEvidenceFile);
        var ours = Reserves.Evidence.ReservesReportFile.Read(evidencePath);
        var distance = await client.ChallengeDistanceAsync().ConfigureAwait(false);
        var (passed, failures) = (new List<string>(), new List<string>());
        foreach (var pair in against)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2)
            {
                throw new InputException($"'{pair}' is not EVIDENCE=PUBLISHER", field: "--against");
            }
            var other = Reserves.Evidence.ReservesReportFile.Read(parts[0]);
            var otherPublisher = RegistryOptions.Address(parts[1], "--against");
            if (string.Equals(otherPublisher, publisher.Hex, StringComparison.OrdinalIgnoreCase))
            {
                throw new InputException($"{otherPublisher} is this epoch's own publisher: a double claim is between two publishers", field: "--against");
            }
            await ChallengeCommand.RequirePublishedAsync(client, other, otherPublisher, "--against").ConfigureAwait(false);
            var apart = ours.Epoch > other.Epoch ? ours.Epoch - other.Epoch : other.Epoch - ours.Epoch;
            if (apart > distance)
            {
                passed.Add($"double claims: {otherPublisher}'s epoch {other.Epoch} ends {apart} s from this one, beyond the registry's challenge distance ({distance} s): not compared");
                continue;
            }
            var (found, _) = Reserves.Claims.DoubleClaims.Between(ours, other);
            failures.AddRange(found.Select(f => $"double claim: {f.Chain} {f.Address} is counted by {otherPublisher}'s epoch {other.Epoch} too, signed by the address for both{(f.Chain.Family == Core.Chains.ChainFamily.Evm ? " (provable on the registry: aggregator challenge)" : " (judged off chain: ed25519 has no EVM precompile)")}"));
            if (found.Count == 0)
            {
                passed.Add($"double claims: no reserve address of this epoch is counted by {otherPublisher}'s epoch {other.Epoch} with its own signature");
            }
        }
        return (passed, failures);
    }

    // The disputes and the auditors' co-signatures on record: shown, never a failure (anyone may file a
    // dispute; a co-signature vouches, it proves nothing the proof does not).
    private static async Task<IReadOnlyList<string>> RecordLines(SolvencyRegistryClient client, PublisherAddress publisher, ulong epoch)
    {
        var disputes = await client.DisputesAsync(publisher.Hex, epoch).ConfigureAwait(false);
        return
        [
            $"disputes: {disputes.Count} filed against epoch {epoch}, {disputes.Count(d => d.Answer is not null)} answered (an upper bound: anyone may file; `aggregator dispute list`)",
            .. AuditorCommand.CoSignatureLines(await client.CoSignaturesAsync(publisher.Hex, epoch).ConfigureAwait(false), epoch),
        ];
    }

    // With the registry read, the evidence's window must be the publisher's announced one, seeded on the
    // registry's chain: a window of the institution's own choosing would let it pick when it is measured.
    private static async Task<Reserves.VerificationOutcome> ReservesOnChain(
        string directory, EpochManifest manifest, string? configPath, (AnnouncedWindow? Window, Core.Chains.ChainId Chain, SolvencyRegistryClient Client)? registry, CancellationToken cancellationToken)
    {
        var evidencePath = Path.Combine(directory, EpochProofs.ReservesEvidenceFile);
        if (!File.Exists(evidencePath))
        {
            return new([], [], ["reserves: the epoch directory carries no evidence (reserves.json) to re-read them on chain"]);
        }
        var evidence = Reserves.Evidence.ReservesReportFile.Read(evidencePath);
        if (evidence.Window is not { } window)
        {
            return new([], ["reserves: the evidence was read at one height per chain of the institution's choosing, not sampled over the epoch's window (docs/proofs.md, \"Windows\")"], []);
        }
        if (registry is { } announced)
        {
            if (announced.Window is not { } expected)
            {
                return new([], ["reserves: the publisher has announced no windows on the registry"], []);
            }
            if (expected.Length != window.End - window.Start || expected.Samples != window.Samples || window.SeedChain != announced.Chain.ToString())
            {
                return new([], [$"reserves: the evidence's window [{window.Start}, {window.End}) sampled {window.Samples} times and seeded on {window.SeedChain} is not the publisher's announced one ({expected.Length} s, {expected.Samples} samples, seeded on the registry's chain {announced.Chain})"], []);
            }
        }
        // Books read from the chains are the ones taken at the evidence's liabilities time: the manifest says
        // when, and at which heights; the evidence's time is drawn again from the seed below. Books from a
        // ledger file (aggregator commit) were taken when the institution chose: said, not failed.
        string books;
        var openBooks = new List<string>();
        if (manifest.Liabilities is null)
        {
            books = "";
            openBooks.Add("liabilities: the books come from a ledger file (aggregator commit), taken when the institution chose, not at a drawn time");
        }
        else if (window.Liabilities is not { } taken || manifest.LiabilitiesTime != taken.Time
            || taken.Heights.Any(h => !manifest.Liabilities.Any(m => m.Chain == h.Chain && m.Height == h.Height && string.Equals(m.BlockHash, h.BlockHash, StringComparison.OrdinalIgnoreCase))))
        {
            return new([], [$"liabilities: the manifest's time {manifest.LiabilitiesTime?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} and heights are not the evidence's drawn liabilities time {window.Liabilities?.Time.ToString(CultureInfo.InvariantCulture) ?? "(none)"}"], []);
        }
        else
        {
            books = $"liabilities: the manifest's books are the evidence's drawn liabilities time {taken.Time} ({string.Join(", ", manifest.Liabilities.Select(h => $"{h.Chain}@{h.Height}"))})";
        }
        if (configPath is null)
        {
            return new(books.Length == 0 ? [] : [books], [], [.. openBooks, "reserves: not re-read on the chains (give --reserves-config naming each chain's node)"]);
        }
        // The evidence must be what was proven: each asset's total, rounded down to proof units, is the proof's reserve.
        foreach (var (asset, proven) in manifest.Assets.Zip(manifest.Reserves!))
        {
            var total = evidence.Reserves.TryGetValue(asset.Symbol, out var whole) ? Core.Amounts.Amount.Parse(whole, asset.ProofDecimals, Core.Amounts.Rounding.Down).BaseUnits : BigInteger.Zero;
            if (total.ToString(CultureInfo.InvariantCulture) != proven.ProofUnits)
            {
                return new([], [$"reserves: the evidence totals {whole ?? "0"} {asset.Symbol} ({total} proof units), the proof claims {proven.ProofUnits}"], []);
            }
        }
        // The manifest's totals per evidence tag (what the API serves) are the evidence's, which the chains recompute below.
        if (manifest.ReservesByEvidence is { } tagged && !SameTags(tagged, evidence.ByEvidence))
        {
            return new([], ["reserves: the manifest's totals per evidence tag are not the evidence's (reservesByEvidence against byEvidence)"], []);
        }
        var settings = Reserves.Configuration.ReservesConfigFile.Read(configPath);
        using var http = ChainHttp.CreateClient();
        // Custody statements count as the registry's custodians stood at the window's end; without the
        // registry they cannot be judged, and the recomputed totals will say so.
        var custodians = registry is { } onChain
            ? await Reserves.Evidence.CustodianRegister.ReadAsync(onChain.Client, settings.Custodians(), DateTimeOffset.FromUnixTimeSeconds((long)window.End)).ConfigureAwait(false)
            : null;
        var outcome = await Reserves.ReservesVerification.VerifyAsync(evidence, settings.Institution, Reserves.Chains.ReserveChains.Open(settings, http), evidencePath, custodians, cancellationToken).ConfigureAwait(false);
        return outcome with
        {
            Confirmed =
            [
                .. outcome.Confirmed,
                "reserves: the evidence's totals are the proof's reserves: key-proven and custodian-attested addresses only" + SelfDeclared(evidence),
                .. books.Length == 0 ? Array.Empty<string>() : [books],
            ],
            NotChecked = [.. outcome.NotChecked, .. openBooks],
        };
    }

    // What the evidence lists but never counts.
    private static string SelfDeclared(Reserves.Evidence.ReservesReport evidence) =>
        evidence.ByEvidence.TryGetValue(Reserves.Configuration.ReserveEvidenceNames.SelfDeclared, out var declared) && declared.Values.Any(v => v != "0")
            ? $" ({string.Join(", ", declared.Where(d => d.Value != "0").Select(d => $"{d.Value} {d.Key}"))} self-declared, reported and not counted)"
            : "";

    private static bool SameTags(SortedDictionary<string, SortedDictionary<string, string>> a, SortedDictionary<string, SortedDictionary<string, string>> b) =>
        a.Count == b.Count && a.All(tag => b.TryGetValue(tag.Key, out var other) && tag.Value.Count == other.Count
            && tag.Value.All(asset => other.TryGetValue(asset.Key, out var amount) && amount == asset.Value));

    private static Command Inclusion(CliContext context)
    {
        var options = AccountProofOptions.Create("The account's inclusion file");
        var command = options.Command("inclusion", "Recompute the leaf from the account's id, salt and balances, and check the proof against a published commitment: a manifest, or the registry.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            context.WarnIfKeysInsecure();
            var published = await options.PublishedAsync(parseResult).ConfigureAwait(false);
            return await options.PrintAsync(context, parseResult, ProofChecks.Inclusion(parseResult.GetValue(options.Proof)!, published, Keys(parseResult, options.Keys)), published).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Attestation(CliContext context)
    {
        var options = AccountProofOptions.Create("The collateral attestation file");
        var command = options.Command("attestation", "Check a collateral attestation against a published commitment (a manifest, or the registry): the terms it states (prices, haircuts, threshold, subject, scope, nullifier) are what the proof proves.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            context.WarnIfKeysInsecure();
            var published = await options.PublishedAsync(parseResult).ConfigureAwait(false);
            var report = ProofChecks.Attestation(parseResult.GetValue(options.Proof)!, published, Keys(parseResult, options.Keys));
            if (report.Failure is null && options.Registry(parseResult) is { } client)
            {
                // An attestation stands on the solvency proof: a publication later proven to double-claim reserves does not carry it.
                if (await client.DoubleClaimedAsync(published.Publisher.Hex, published.Epoch).ConfigureAwait(false))
                {
                    report = report with { Failure = $"epoch {published.Epoch} of {published.Publisher} was proven on the registry to count reserves another publisher counted too (DoubleClaimProven): its solvency proof no longer covers the attested units" };
                }
            }
            return await options.PrintAsync(context, parseResult, report, published).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// What a proof about one account (an inclusion file, an attestation) is checked against: a manifest,
    /// or the registry's commitment for a publisher's epoch. The same rules for both: no VALID without a
    /// published commitment, and against a manifest VALID said not to be a publication.
    /// </summary>
    private sealed record AccountProofOptions(
        Option<string> Proof, Option<string?> Manifest, Option<string?> Keys, Option<string?> Rpc, Option<string?> RegistryAddress, Option<string?> Publisher, Option<ulong?> Epoch)
    {
        public static AccountProofOptions Create(string proofDescription) => new(
            new Option<string>("--proof") { Description = proofDescription, Required = true },
            new Option<string?>("--manifest") { Description = "The epoch's published manifest file: every parameter of the proof must be its" },
            KeysOption(),
            RpcOption("take the published commitment from the registry (with --registry, --publisher, --epoch)"),
            RegistryOption(),
            new Option<string?>("--publisher") { Description = "With --rpc: the publisher whose commitment to check against" },
            new Option<ulong?>("--epoch") { Description = "With --rpc: the epoch whose commitment to check against" });

        public Command Command(string name, string description) => new(name, description) { Proof, Manifest, Keys, Rpc, RegistryAddress, Publisher, Epoch };

        public async Task<ProofChecks.Published> PublishedAsync(ParseResult parseResult)
        {
            if (parseResult.GetValue(Manifest) is { } manifestPath)
            {
                return ProofChecks.Published.FromManifest(manifestPath);
            }
            if (parseResult.GetValue(Rpc) is { } url)
            {
                return await FromRegistry(
                    url,
                    VerifyCommand.RegistryAddress(parseResult.GetValue(RegistryAddress)),
                    VerifyCommand.Publisher(parseResult.GetValue(Publisher) ?? throw new InputException("--rpc needs --publisher: whose commitment to check against", field: "--publisher")),
                    parseResult.GetValue(Epoch) ?? throw new InputException("--rpc needs --epoch: which epoch's commitment to check against", field: "--epoch")).ConfigureAwait(false);
            }
            throw new InputException("nothing published to check against: give --manifest FILE, or --rpc with --registry, --publisher and --epoch (a proof against its own root proves nothing)", field: "--manifest");
        }

        /// <summary>The registry the values came from (null when they came from a manifest).</summary>
        public SolvencyRegistryClient? Registry(ParseResult parseResult)
        {
            if (parseResult.GetValue(Manifest) is not null || parseResult.GetValue(Rpc) is not { } url)
            {
                return null;
            }
            var who = VerifyCommand.Publisher(parseResult.GetValue(Publisher)!);
            return new SolvencyRegistryClient(new Web3(url), VerifyCommand.RegistryAddress(parseResult.GetValue(RegistryAddress)), who.Hex);
        }

        // The verdict; with the registry, its record of the epoch beside it; with only a manifest, said not to be a publication.
        public async Task<int> PrintAsync(CliContext context, ParseResult parseResult, ProofChecks.Report report, ProofChecks.Published published)
        {
            if (report.Failure is null && Registry(parseResult) is { } client)
            {
                report = report with { Passed = [.. report.Passed, .. await RecordLines(client, published.Publisher, published.Epoch).ConfigureAwait(false)] };
            }
            var exit = Console.Verdict.Print(context, report.Passed, report.Failure is { } failure ? [failure] : [], [], "VALID");
            if (exit == ExitCodes.Success && parseResult.GetValue(Manifest) is not null)
            {
                context.Output.WriteLine(published.NotAPublication);
            }
            return exit;
        }
    }

    private static string RegistryAddress(string? address) =>
        address is null ? throw new InputException("--rpc needs --registry", field: "--registry")
        : RegistryOptions.Address(address, "--registry");

    private static PublisherAddress Publisher(string address) =>
        PublisherAddress.Parse(RegistryOptions.Address(address, "--publisher"));

    private static async Task<ProofChecks.Published> FromRegistry(string rpc, string registry, PublisherAddress publisher, ulong epoch)
    {
        var stored = await new SolvencyRegistryClient(new Web3(rpc), registry, publisher.Hex).CommitmentOfAsync(publisher.Hex, epoch).ConfigureAwait(false)
            ?? throw new InputException($"the registry {registry} holds no commitment for publisher {publisher}, epoch {epoch}", field: "--epoch");
        if (!Fr.TryParse(stored.Commitment.ToString(CultureInfo.InvariantCulture), out var commitment) || !Fr.TryParse(stored.ParamsHash.ToString(CultureInfo.InvariantCulture), out var paramsHash))
        {
            throw new InputException($"the registry {registry} returned values that are not field elements", field: "--registry");
        }
        return new ProofChecks.Published($"the registry {registry}", epoch, publisher, commitment, paramsHash, null);
    }

    private static async Task<ProofChecks.Report> OnChain(ProofChecks.Report report, EpochManifest manifest, string rpc, string registry, PublisherAddress publisher)
    {
        var client = new SolvencyRegistryClient(new Web3(rpc), registry, publisher.Hex);
        var passed = report.Passed.ToList();
        var stored = await client.CommitmentOfAsync(publisher.Hex, manifest.Epoch).ConfigureAwait(false);
        if (stored is null)
        {
            return new ProofChecks.Report(passed, $"the registry {registry} holds no commitment for publisher {publisher}, epoch {manifest.Epoch}");
        }
        if (stored.Commitment.ToString(CultureInfo.InvariantCulture) != manifest.Commitment || stored.ParamsHash.ToString(CultureInfo.InvariantCulture) != manifest.ParamsHash)
        {
            return new ProofChecks.Report(passed, $"the registry holds commitment {stored.Commitment} (paramsHash {stored.ParamsHash}) for publisher {publisher}, epoch {manifest.Epoch}, not the manifest's {manifest.Commitment} (paramsHash {manifest.ParamsHash})");
        }
        var reserves = await client.ReservesOfAsync(publisher.Hex, manifest.Epoch).ConfigureAwait(false);
        var expected = manifest.Reserves!.Select(r => BigInteger.Parse(r.ProofUnits, CultureInfo.InvariantCulture)).ToArray();
        if (!reserves.Take(expected.Length).SequenceEqual(expected))
        {
            return new ProofChecks.Report(passed, $"the registry holds reserves [{string.Join(", ", reserves)}], not the manifest's [{string.Join(", ", expected)}]");
        }
        var ratios = await client.RatiosOfAsync(publisher.Hex, manifest.Epoch).ConfigureAwait(false);
        if (!ratios.Take(manifest.Reserves!.Count).SequenceEqual(manifest.Reserves!.Select(r => r.CoverageBasisPoints)))
        {
            return new ProofChecks.Report(passed, $"the registry holds coverage ratios [{string.Join(", ", ratios)}] bp, not the manifest's [{string.Join(", ", manifest.Reserves!.Select(r => r.CoverageBasisPoints))}]");
        }
        passed.Add($"the registry {registry} holds commitment {manifest.Commitment}, these reserves and coverage ratios [{string.Join(", ", ratios.Take(manifest.Reserves!.Count))}] bp for publisher {publisher}, epoch {manifest.Epoch}");
        return new ProofChecks.Report(passed, null);
    }
}
