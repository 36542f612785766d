using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Adapters;
using Aggregator.Composition.Configuration;
using Aggregator.Demo;
using Aggregator.Engine;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// The roles as the distributed deployment runs them: each `aggregator run --role` in a process of its
/// own, over a RabbitMQ of the test's own (durable queues from other tests never leak in), on two local
/// EVM chains and the Solana test server holding the demo's institution.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class SeparateProcessesTests
{
    private const int Accounts = 40;
    private static readonly AssetId Usdc = new("USDC");

    [Fact]
    public async Task From_balances_on_three_chains_to_a_published_epoch_and_a_verified_inclusion_proof()
    {
        await using var deployment = await Deployment.StartAsync();
        // The tree by a tree worker of its own (docs/operations.md, "Tree workers"): 40 accounts in jobs of 16.
        var config = JsonNode.Parse(await File.ReadAllTextAsync(deployment.World.ConfigPath))!;
        config["epochs"]!["treeJobAccounts"] = 16;
        await File.WriteAllTextAsync(deployment.World.ConfigPath, config.ToJsonString());
        using var treeWorker = deployment.Run("tree-worker");
        using var adapter = deployment.Run("adapter");
        using var oracle = deployment.Run("oracle");
        using var engine = deployment.Run("engine");

        var entries = Path.Combine(deployment.World.Directory, "entries.csv");
        await File.WriteAllLinesAsync(entries, ["entryId,account,kind,asset,amount,at", .. deployment.World.Debts.Select((d, i) => $"b{i},{d.Account},borrow,USDC,{new Amount(d.Usdc, 6)},2026-12-01T10:00:00Z")]);
        await deployment.HealthWhen(h => h[0].Rebuilt, 1, [adapter, oracle, engine], "the engine rebuilt from every chain");
        // No prover yet: a close asked now is answered by nobody, and says so.
        var unanswered = CliRunner.Run(["epoch", "close", .. deployment.Operator, "--timeout", "2"]);
        Assert.Equal(1, unanswered.Exit);
        Assert.Contains("is a prover role running on this bus?", unanswered.Error, StringComparison.Ordinal);
        // Started last, the prover has missed the one Solana batch (the test server's slot stands still,
        // and a slot cannot be read again): the close must get it from the adapter again.
        using var prover = deployment.Run("prover");
        await prover.WaitForLogAsync("Bus started", TimeSpan.FromSeconds(60));
        // A second prover stands by: closes go to one of them (a single active consumer), and each hears
        // the engines' answers on a queue of its own.
        using var standby = deployment.Run("prover");
        await standby.WaitForLogAsync("Bus started", TimeSpan.FromSeconds(60));
        var processes = new[] { adapter, oracle, engine, prover, standby };
        var published = CliRunner.Run(["ledger", "publish", "--file", entries, "--config", deployment.World.ConfigPath, .. deployment.Operator]);
        Assert.True(published.Exit == 0, published.Error);
        var health = await deployment.HealthWhen(h => h[0].LedgerEntries == Accounts, 1, processes, "every borrow applied");
        Assert.All(health[0].Accounts, a => Assert.Equal("healthy", a.Status));

        var epoch = await deployment.World.EndWindowAsync();
        var close = deployment.Close(epoch);
        Assert.True(close.Exit == 0, close.Error + close.Output + prover.Log);
        var commitment = close.Output.Split('\n')[0].Trim();
        Assert.DoesNotContain(deployment.OperatorPassword, close.Output + close.Error, StringComparison.Ordinal);
        // The prover answers before it logs the close: wait for the line, then there is exactly one (one close, one publication).
        await Eventually.Until(() => new[] { prover, standby }.Any(p => p.Log.Contains($"epoch {epoch} closed", StringComparison.Ordinal)), "a prover logged the close");
        Assert.Single(new[] { prover, standby }, p => p.Log.Contains($"epoch {epoch} closed", StringComparison.Ordinal));
        Assert.Single(new[] { prover, standby }, p => p.Log.Contains($"epoch {epoch}: tree of {Accounts} accounts built by the tree workers, 3 jobs a stage", StringComparison.Ordinal));
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Count(treeWorker.Log, "tree job done"));
        // Asked again, the close resumes from what is done: the same commitment, nothing published twice.
        var again = deployment.Close(epoch);
        Assert.True(again.Exit == 0, again.Error + again.Output + prover.Log);
        Assert.Equal(commitment, again.Output.Split('\n')[0].Trim());

        // The registry holds exactly the announced commitment, for this publisher and epoch.
        var publisher = RunConfigFile.Read(deployment.World.ConfigPath).Prover!.Publisher();
        var stored = await new SolvencyRegistryClient(new Nethereum.Web3.Web3(deployment.ChainA.Url), deployment.World.Registry, publisher).CommitmentOfAsync(publisher, epoch);
        Assert.Equal(commitment, stored!.Commitment.ToString(CultureInfo.InvariantCulture));
        var directory = Path.Combine(deployment.World.Directory, "epochs", epoch.ToString(CultureInfo.InvariantCulture));
        var reserves = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "reserves.json")))!;
        // Both anvils at the window's drawn heights (DemoWorld.WindowSamples each), Solana at the prover's read.
        Assert.Equal((2 * DemoWorld.WindowSamples) + 1, reserves["chains"]!.AsArray().Count);
        Assert.Equal(epoch, reserves["window"]!["end"]!.GetValue<ulong>());
        Assert.All(reserves["chains"]!.AsArray(), c => Assert.Equal("verified", c!["addresses"]![0]!["ownership"]!.GetValue<string>()));
        // The books are taken at a time drawn from the seed, inside the window, each anvil at its state then:
        // the manifest names the time and the heights, the evidence the draw.
        var manifestNode = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "manifest.json")))!;
        var liabilitiesTime = manifestNode["liabilitiesTime"]!.GetValue<ulong>();
        Assert.InRange(liabilitiesTime, epoch - DemoWorld.WindowSeconds, epoch - 1);
        var drawn = reserves["window"]!["liabilities"]!;
        Assert.Equal(liabilitiesTime, drawn["time"]!.GetValue<ulong>());
        Assert.InRange(drawn["draw"]!.GetValue<int>(), 0, DemoWorld.WindowSamples - 1);
        foreach (var height in drawn["heights"]!.AsArray())
        {
            Assert.Contains(manifestNode["liabilities"]!.AsArray(), m => m!["chain"]!.GetValue<string>() == height!["chain"]!.GetValue<string>() && m["height"]!.GetValue<ulong>() == height["height"]!.GetValue<ulong>());
        }

        // An account asks for its inclusion proof over the bus and checks it against the published manifest.
        var proofPath = Path.Combine(deployment.World.Directory, "account-00003.json");
        var inclusion = CliRunner.Run(["epoch", "inclusion", .. deployment.Operator, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--account", "account-00003", "--out", proofPath]);
        Assert.True(inclusion.Exit == 0, inclusion.Error + prover.Log);
        var verified = CliRunner.Run("verify", "inclusion", "--proof", proofPath, "--manifest", Path.Combine(directory, "manifest.json"));
        Assert.True(verified.Exit == 0, verified.Output + verified.Error);
        Assert.Contains("VALID", verified.Output, StringComparison.Ordinal);
        Assert.Contains("publication not checked", verified.Output, StringComparison.Ordinal); // a manifest alone is not a publication
        var refused = CliRunner.Run(["epoch", "inclusion", .. deployment.Operator, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--account", "nobody", "--out", proofPath + ".nobody"]);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("no inclusion proof for 'nobody' in epoch", refused.Error, StringComparison.Ordinal);
        var unpublished = CliRunner.Run(["epoch", "inclusion", .. deployment.Operator, "--epoch", (epoch - 1).ToString(CultureInfo.InvariantCulture), "--account", "account-00003", "--out", proofPath + ".unpublished"]);
        Assert.Equal(1, unpublished.Exit);
        Assert.Contains("is not a published epoch of this prover", unpublished.Error, StringComparison.Ordinal);
        // A verifier re-reads the reserves on the chains: both anvils at their heights; Solana only now, so never VALID.
        var reservesConfig = Path.Combine(deployment.World.Directory, "reserves.json");
        string[] verifySolvency = ["verify", "solvency", "--epoch", directory, "--rpc", deployment.ChainA.Url, "--registry", deployment.World.Registry, "--reserves-config", reservesConfig];
        var full = CliRunner.Run(verifySolvency);
        Assert.True(full.Exit == 4, full.Output + full.Error);
        Assert.Contains("ok: the registry", full.Output, StringComparison.Ordinal);
        Assert.Equal(2 * DemoWorld.WindowSamples, System.Text.RegularExpressions.Regex.Count(full.Output, @"ok: \S+ at height \d+: balances and signatures as recorded"));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(full.Output, @"ok: \S+: heights [\d, ]+ are the window's draws"));
        Assert.Contains($"ok: window [{epoch - DemoWorld.WindowSeconds}, {epoch}): seed 0x", full.Output, StringComparison.Ordinal);
        Assert.Contains($"ok: liabilities: draw {drawn["draw"]!.GetValue<int>()} (seed mod {DemoWorld.WindowSamples}) targets", full.Output, StringComparison.Ordinal);
        Assert.Contains("ok: liabilities: the manifest's books are the evidence's drawn liabilities time", full.Output, StringComparison.Ordinal);
        Assert.Matches(@"NOT CHECKED: \S+: slot \d+ not re-readable; balances now \(slot \d+\)", full.Output);
        Assert.DoesNotContain("\nVALID", full.Output, StringComparison.Ordinal);
        // A chain the verifier cannot reach is not checked, and says so.
        var unreachable = JsonNode.Parse(await File.ReadAllTextAsync(reservesConfig))!;
        unreachable["evm"]!.AsArray().Single(c => c!["chainId"]!.GetValue<long>() == 31338)!["rpc"] = "http://127.0.0.1:9/";
        var unreachablePath = Path.Combine(deployment.World.Directory, "reserves-unreachable.json");
        await File.WriteAllTextAsync(unreachablePath, unreachable.ToJsonString());
        var partial = CliRunner.Run([.. verifySolvency[..^1], unreachablePath]);
        Assert.True(partial.Exit == 4, partial.Output + partial.Error);
        Assert.Equal(DemoWorld.WindowSamples, System.Text.RegularExpressions.Regex.Count(partial.Output, @"ok: \S+ at height \d+: balances and signatures as recorded"));
        Assert.Contains("ok: anvil-a at height", partial.Output, StringComparison.Ordinal);
        Assert.Contains("NOT CHECKED: anvil-b: ", partial.Output, StringComparison.Ordinal);
        // Evidence edited after the close: the chain says otherwise.
        var evidence = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "reserves.json")))!;
        var balances = evidence["chains"]!.AsArray().First(c => c!["chain"]!.GetValue<string>().StartsWith("eip155:", StringComparison.Ordinal))!["addresses"]![0]!["balances"]!.AsObject();
        var symbol = balances.First().Key;
        balances[symbol] = "1" + balances[symbol]!.GetValue<string>();
        await File.WriteAllTextAsync(Path.Combine(directory, "reserves.json"), evidence.ToJsonString());
        var tampered = CliRunner.Run(verifySolvency);
        Assert.True(tampered.Exit == 1, tampered.Output + tampered.Error);
        Assert.Contains("INVALID: ", tampered.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reserves_and_books_forged_by_a_compromised_adapter_never_reach_an_epoch_the_prover_reads_them_itself()
    {
        await using var deployment = await Deployment.StartAsync();
        using var roles = deployment.RunRoles();
        var (prover, processes) = (roles.Prover, roles.All);
        await deployment.HealthWhen(h => h[0].Rebuilt, 1, processes, "the engine rebuilt from every chain");
        // The window ends first (its blocks are mined), and the engine catches up with the chain's head.
        var epoch = await deployment.World.EndWindowAsync();
        var head = (ulong)(await new Nethereum.Web3.Web3(deployment.ChainA.Url).Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        var health = await deployment.HealthWhen(h => h[0].Heights.Any(b => b.Chain == DemoWorld.ChainA && b.Height == head), 1, processes, "the engine applied the chain's head");
        var real = health[0].Heights.Single(b => b.Chain == DemoWorld.ChainA);

        // The adapter's user may publish observations: a compromised adapter re-reports chain A's block as
        // a "reorg" in which the reserve address holds 5,001 ETH it never held.
        var reserve = new Nethereum.Signer.EthECKey(Evm.AnvilNode.DevelopmentKeys[1]).GetPublicAddress();
        var forged = new Core.Observations.ObservationBatch(DemoWorld.ChainA, real.Height, "0x" + new string('f', 64),
            [new Core.Observations.BalanceObservation(reserve, new AssetId("ETH"), new Amount(System.Numerics.BigInteger.Parse("5001000000000000000000", CultureInfo.InvariantCulture), 18))], [])
        {
            ReplacesBlockHash = real.BlockHash,
        };
        using var compromised = await deployment.PublishAsAsync(BusIdentity.Adapter, new CollateralObserved(forged));
        await deployment.HealthWhen(h => h[0].Heights.Any(b => b.Chain == DemoWorld.ChainA && b.BlockHash == forged.BlockHash), 1, processes, "the engine took the forged batch");

        // The engine took it (it moves margin); the epoch never sees it: the prover reads the reserves and
        // the books itself, at the heights the seed draws, and the close goes through with what the chain holds.
        var closed = deployment.Close(epoch);
        Assert.True(closed.Exit == 0, closed.Output + closed.Error + prover.Log);
        var manifest = await File.ReadAllTextAsync(Path.Combine(deployment.World.Directory, "epochs", epoch.ToString(CultureInfo.InvariantCulture), "manifest.json"));
        Assert.DoesNotContain(forged.BlockHash, manifest, StringComparison.OrdinalIgnoreCase);
        var reserves = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(deployment.World.Directory, "epochs", epoch.ToString(CultureInfo.InvariantCulture), "reserves.json")))!;
        var chainA = reserves["chains"]!.AsArray().First(c => c!["chain"]!.GetValue<string>() == DemoWorld.ChainA.ToString())!;
        var counted = chainA["addresses"]!.AsArray().Single(a => string.Equals(a!["address"]!.GetValue<string>(), reserve, StringComparison.OrdinalIgnoreCase))!;
        var onChain = await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "eth_getBalance", [reserve, $"0x{chainA["height"]!.GetValue<ulong>():x}"]);
        var wei = System.Numerics.BigInteger.Parse("0" + onChain!.GetValue<string>()[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal((decimal)wei / 1_000_000_000_000_000_000m, decimal.Parse(counted["balances"]!["ETH"]!.GetValue<string>(), CultureInfo.InvariantCulture)); // whole units
        Assert.True(wei < System.Numerics.BigInteger.Parse("5001000000000000000000", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Solana_balances_forged_by_a_compromised_adapter_never_reach_an_epoch_the_prover_reads_the_cluster_itself()
    {
        await using var deployment = await Deployment.StartAsync();
        using var roles = deployment.RunRoles();
        var (prover, processes) = (roles.Prover, roles.All);
        var health = await deployment.HealthWhen(h => h[0].Rebuilt, 1, processes, "the engine rebuilt from every chain");
        var real = health[0].Heights.Single(b => b.Chain == DemoWorld.SolanaChain);

        // A compromised adapter reports the next slot, in which the Solana reserve address holds a million
        // SOL it never held and an account's deposit address nothing. The engine takes it (it moves margin),
        // but an epoch's reserves and books come from the prover's own read of the cluster, never the bus.
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(deployment.World.Directory, "reserves.json")))!;
        var reserve = config["solana"]![0]!["addresses"]![0]!["address"]!.GetValue<string>();
        var forged = new Core.Observations.ObservationBatch(DemoWorld.SolanaChain, real.Height + 1, "",
            [new Core.Observations.BalanceObservation(reserve, new AssetId("SOL"), new Amount(System.Numerics.BigInteger.Pow(10, 15), 9))], []);
        using var compromised = await deployment.PublishAsAsync(BusIdentity.Adapter, new CollateralObserved(forged));
        await deployment.HealthWhen(h => h[0].Heights.Any(b => b.Chain == DemoWorld.SolanaChain && b.Height == forged.Height), 1, processes, "the engine took the forged batch");

        var epoch = await deployment.World.EndWindowAsync();
        var closed = deployment.Close(epoch);
        Assert.True(closed.Exit == 0, closed.Output + closed.Error + prover.Log);
        var directory = Path.Combine(deployment.World.Directory, "epochs", epoch.ToString(CultureInfo.InvariantCulture));
        var evidence = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "reserves.json")))!;
        var cluster = evidence["chains"]!.AsArray().Single(c => c!["chain"]!.GetValue<string>() == DemoWorld.SolanaChain.ToString())!;
        var lamports = await JsonRpc.CallAsync(deployment.Http, deployment.Solana.Url, "getBalance", [reserve]);
        var counted = decimal.Parse(cluster["addresses"]![0]!["balances"]!["SOL"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.Equal(lamports!["value"]!.GetValue<ulong>() / 1_000_000_000m, counted);
        Assert.True(counted < 1_000_000m);
        // The books are at the prover's read of the cluster too, the very slot its reserves were counted at.
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "manifest.json")))!;
        Assert.Equal(cluster["height"]!.GetValue<ulong>(), manifest["liabilities"]!.AsArray().Single(h => h!["chain"]!.GetValue<string>() == DemoWorld.SolanaChain.ToString())!["height"]!.GetValue<ulong>());
    }

    [Fact]
    public async Task An_anvil_balance_reaches_the_APIs_answer_through_the_adapter_the_engine_and_the_api_over_RabbitMQ()
    {
        await using var deployment = await Deployment.StartAsync();
        using var adapter = deployment.Run("adapter");
        using var oracle = deployment.Run("oracle");
        using var engine = deployment.Run("engine");
        using var api = deployment.Run("api");
        ServiceProcess[] processes = [adapter, oracle, engine, api];
        var health = await deployment.HealthWhen(h => h[0].Rebuilt, 1, processes, "the engine rebuilt from every chain");
        var before = health[0].Heights.Single(b => b.Chain == DemoWorld.ChainA).Height;
        using var client = new HttpClient { BaseAddress = deployment.World.Api };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", deployment.World.ProtocolKey);
        // 7.25 ETH on account 2's deposit on chain A, in a new block.
        var wei = System.Numerics.BigInteger.Parse("7250000000000000000", CultureInfo.InvariantCulture);
        await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "anvil_setBalance", [deployment.World.DepositA(2), "0x" + wei.ToString("x", CultureInfo.InvariantCulture).TrimStart('0')]);
        await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "evm_mine", []);
        JsonNode? answer = null;
        await Eventually.Until(async () =>
        {
            using var response = await client.GetAsync(new Uri("/v1/accounts/account-00002", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }
            answer = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            return answer!["collateral"]!.AsArray().Any(c => c!["chain"]!.GetValue<string>() == DemoWorld.ChainA.ToString() && c["asset"]!.GetValue<string>() == "ETH"
                && c["baseUnits"]!.GetValue<string>() == wei.ToString(CultureInfo.InvariantCulture));
        }, "the new balance is in the API's answer " + api.Log, TimeSpan.FromSeconds(90));
        var eth = answer!["collateral"]!.AsArray().Single(c => c!["chain"]!.GetValue<string>() == DemoWorld.ChainA.ToString() && c["asset"]!.GetValue<string>() == "ETH")!;
        Assert.Equal("7.25", eth["amount"]!.GetValue<string>());
        Assert.True(eth["height"]!.GetValue<ulong>() > before);
        // No debt yet: no health factor, nothing to liquidate.
        Assert.Equal(("healthy", null), (answer["status"]!.GetValue<string>(), answer["healthFactor"]));
        // Refused the same way without a key, and the events stream is the api's alone to hear (its user's permissions).
        using var anonymous = new HttpClient { BaseAddress = deployment.World.Api };
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri("/v1/accounts/account-00002", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task With_inclusion_proofs_at_close_every_accounts_file_is_written_valid_and_served_as_written()
    {
        await using var deployment = await Deployment.StartAsync();
        var config = JsonNode.Parse(await File.ReadAllTextAsync(deployment.World.ConfigPath))!;
        config["epochs"]!["inclusionProofs"] = "at-close";
        await File.WriteAllTextAsync(deployment.World.ConfigPath, config.ToJsonString());
        using var roles = deployment.RunRoles();
        await deployment.HealthWhen(h => h[0].Rebuilt, 1, roles.All, "the engine rebuilt from every chain");
        var epoch = await deployment.World.EndWindowAsync();
        var close = deployment.Close(epoch);
        Assert.True(close.Exit == 0, close.Output + close.Error + roles.Prover.Log);
        var directory = Path.Combine(deployment.World.Directory, "epochs", epoch.ToString(CultureInfo.InvariantCulture));
        var files = Directory.GetFiles(Path.Combine(directory, "inclusion"));
        Assert.Equal(Accounts, files.Length);
        var published = Proving.ProofChecks.Published.FromManifest(Path.Combine(directory, "manifest.json"));
        var keys = Proving.VerificationKeys.Installed();
        Assert.All(files, file => Assert.True(Proving.ProofChecks.Inclusion(file, published, keys).IsValid, file));
        // Asked for one, the prover hands out the file it wrote at the close, byte for byte.
        var asked = Path.Combine(deployment.World.Directory, "asked.json");
        var inclusion = CliRunner.Run(["epoch", "inclusion", .. deployment.Operator, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--account", "account-00005", "--out", asked]);
        Assert.True(inclusion.Exit == 0, inclusion.Error + roles.Prover.Log);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(directory, "inclusion", Proving.EpochProofs.InclusionFileName("account-00005"))), await File.ReadAllTextAsync(asked));
    }

    [Fact]
    public async Task A_deposit_above_2_to_the_96_base_units_is_committed_exactly_into_an_epoch()
    {
        await using var deployment = await Deployment.StartAsync();
        using var roles = deployment.RunRoles();
        var (prover, processes) = (roles.Prover, roles.All);
        var health = await deployment.HealthWhen(h => h[0].Rebuilt, 1, processes, "the engine rebuilt from every chain");
        var before = health[0].Heights.Single(b => b.Chain == DemoWorld.ChainA).Height;

        // 2^97 + 12,345 wei on account 0's deposit on chain A: more base units than a decimal holds (the old
        // engine refused every batch of the chain from then on, and no epoch could close). The reserve
        // address gets a tenth more than that, so the institution keeps the 105% coverage it fixed.
        var wei = System.Numerics.BigInteger.Pow(2, 97) + 12_345;
        var reserve = new Nethereum.Signer.EthECKey(Evm.AnvilNode.DevelopmentKeys[1]).GetPublicAddress();
        var reserveWei = await BalanceAsync(deployment, deployment.ChainA.Url, reserve);
        await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "anvil_setBalance", [deployment.World.DepositA(0), Hex(wei)]);
        await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "anvil_setBalance", [reserve, Hex(reserveWei + (wei * 11 / 10))]);
        await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "evm_mine", []);
        var epoch = await deployment.World.EndWindowAsync();
        health = await deployment.HealthWhen(h => h[0].Heights.Any(b => b.Chain == DemoWorld.ChainA && b.Height > before), 1, processes, "the engine applied the block with the deposit");
        Assert.Equal("healthy", health[0].Accounts.Single(a => a.Account == "account-00000").Status);

        var close = deployment.Close(epoch);
        Assert.True(close.Exit == 0, close.Output + close.Error + prover.Log);
        var proofPath = Path.Combine(deployment.World.Directory, "account-00000.json");
        var inclusion = CliRunner.Run(["epoch", "inclusion", .. deployment.Operator, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--account", "account-00000", "--out", proofPath]);
        Assert.True(inclusion.Exit == 0, inclusion.Error + prover.Log);
        // The leaf holds the account's ETH on both chains, exactly, rounded up to the commitment's 8 decimals.
        var config = JsonNode.Parse(await File.ReadAllTextAsync(deployment.World.ConfigPath))!;
        var onB = config["accounts"]![0]!["deposits"]![DemoWorld.ChainB.ToString()]![0]!.GetValue<string>();
        var held = wei + await BalanceAsync(deployment, deployment.ChainB.Url, onB);
        var expected = (held + 9_999_999_999) / 10_000_000_000;
        var leaf = JsonNode.Parse(await File.ReadAllTextAsync(proofPath))!;
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), leaf["balances"]![1]!.GetValue<string>()); // BTC, ETH, SOL, USDC
        var verified = CliRunner.Run("verify", "inclusion", "--proof", proofPath, "--manifest", Path.Combine(deployment.World.Directory, "epochs", epoch.ToString(CultureInfo.InvariantCulture), "manifest.json"));
        Assert.True(verified.Exit == 0, verified.Output + verified.Error);

        static string Hex(System.Numerics.BigInteger value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        static async Task<System.Numerics.BigInteger> BalanceAsync(Deployment deployment, string url, string address)
        {
            var hex = (await JsonRpc.CallAsync(deployment.Http, url, "eth_getBalance", [address, "latest"]))!.GetValue<string>();
            return System.Numerics.BigInteger.Parse("0" + hex[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
    }

    [Fact]
    public async Task An_engine_killed_with_SIGKILL_mid_stream_comes_back_to_a_from_scratch_evaluation()
    {
        await using var deployment = await Deployment.StartAsync();
        using var adapter = deployment.Run("adapter");
        using var oracle = deployment.Run("oracle");
        var engine = deployment.Run("engine");
        try
        {
            var entries = await deployment.StreamAsync([adapter, oracle, engine], 1, round =>
            {
                if (round == 4)
                {
                    engine.Kill(); // mid-stream: entries and batches keep coming into its durable queue
                }
                if (round == 8)
                {
                    engine.Dispose();
                    engine = deployment.Run("engine");
                }
                return Task.CompletedTask;
            });
            await deployment.AssertFromScratchAsync(entries, [adapter, oracle, engine], 1);
        }
        finally
        {
            engine.Dispose();
        }
    }

    [Fact]
    public async Task The_broker_restarted_mid_stream_loses_nothing_and_applies_nothing_twice()
    {
        await using var deployment = await Deployment.StartAsync();
        using var adapter = deployment.Run("adapter");
        using var oracle = deployment.Run("oracle");
        using var engine = deployment.Run("engine");
        var entries = await deployment.StreamAsync([adapter, oracle, engine], 1, async round =>
        {
            if (round == 5)
            {
                await deployment.Broker.RestartAsync(); // every process loses its connection and finds it again
            }
        });
        await deployment.AssertFromScratchAsync(entries, [adapter, oracle, engine], 1);
        Assert.All(new[] { adapter, oracle, engine }, p => Assert.False(p.HasExited, p.Log));
    }

    [Fact]
    public async Task Two_engine_partitions_in_two_processes_and_two_adapters_give_exactly_the_results_of_one_engine_and_one_adapter()
    {
        await using var deployment = await Deployment.StartAsync();
        using var adapter = deployment.Run("adapter");
        // A second adapter on the same chains (a rolling restart has two for a while): each has a replay
        // queue of its own, and the engines apply each batch once.
        using var twin = deployment.Run("adapter");
        using var oracle = deployment.Run("oracle");
        using var first = deployment.Run("engine", "0/2");
        using var second = deployment.Run("engine", "1/2");
        ServiceProcess[] processes = [adapter, twin, oracle, first, second];
        var entries = await deployment.StreamAsync(processes, 2, _ => Task.CompletedTask);
        var reports = await deployment.AssertFromScratchAsync(entries, processes, 2);
        Assert.All(reports, r => Assert.NotEmpty(r.Accounts)); // both partitions own accounts
        Assert.All(processes, p => Assert.False(p.HasExited, p.Log));

        // A rolling restart: the first adapter stops (SIGTERM) while its twin runs, a successor starts,
        // then the twin stops. The chain is followed throughout: each new block reaches both partitions.
        async Task NextBlockReachesTheEnginesAsync(IReadOnlyList<ServiceProcess> running, string what)
        {
            var before = (await deployment.HealthWhen(_ => true, 2, running, "the partitions' heights"))[0].Heights.Single(b => b.Chain == DemoWorld.ChainA).Height;
            await JsonRpc.CallAsync(deployment.Http, deployment.ChainA.Url, "evm_mine", []);
            await deployment.HealthWhen(h => h.All(r => r.Heights.Single(b => b.Chain == DemoWorld.ChainA).Height > before), 2, running, what);
        }
        Assert.Equal(0, await adapter.StopAsync(TimeSpan.FromSeconds(60)));
        await NextBlockReachesTheEnginesAsync([twin, oracle, first, second], "a block read by the twin alone");
        using var successor = deployment.Run("adapter");
        await successor.WaitForLogAsync("Bus started", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await twin.StopAsync(TimeSpan.FromSeconds(60)));
        ServiceProcess[] after = [successor, oracle, first, second];
        await NextBlockReachesTheEnginesAsync(after, "a block read by the successor alone");
        Assert.All(after, p => Assert.False(p.HasExited, p.Log));
        Assert.DoesNotContain("RESOURCE_LOCKED", successor.Log, StringComparison.Ordinal);
    }

    /// <summary>Keeps every engine partition's health answer.</summary>
    public sealed class HealthCollector(ConcurrentBag<HealthReported> answers) : IConsumer<HealthReported>
    {
        public Task Consume(ConsumeContext<HealthReported> context)
        {
            answers.Add(context.Message);
            return Task.CompletedTask;
        }
    }

    /// <summary>The roles of one institution, each in a process of its own.</summary>
    private sealed record Roles(ServiceProcess Adapter, ServiceProcess Oracle, ServiceProcess Engine, ServiceProcess Prover) : IDisposable
    {
        public ServiceProcess[] All => [Adapter, Oracle, Engine, Prover];

        public void Dispose()
        {
            foreach (var process in All)
            {
                process.Dispose();
            }
        }
    }

    /// <summary>A broker, two anvils and the Solana test server of the test's own, the demo's institution on them, and a bus client.</summary>
    private sealed class Deployment : IAsyncDisposable
    {
        private Deployment(RabbitMqBroker broker, LocalServer chainA, LocalServer chainB, LocalServer solana, HttpClient http, DemoWorld world, IHost client)
        {
            (Broker, ChainA, ChainB, Solana, Http, World, Client) = (broker, chainA, chainB, solana, http, world, client);
        }

        public RabbitMqBroker Broker { get; }

        public LocalServer ChainA { get; }

        public LocalServer ChainB { get; }

        public LocalServer Solana { get; }

        public HttpClient Http { get; }

        public DemoWorld World { get; }

        public IHost Client { get; }

        public static async Task<Deployment> StartAsync()
        {
            var broker = RabbitMqBroker.OfItsOwn();
            await broker.InitializeAsync();
            var chainA = await LocalServer.StartAnvilAsync(RepositoryPaths.Root, 31337, CancellationToken.None);
            var chainB = await LocalServer.StartAnvilAsync(RepositoryPaths.Root, 31338, CancellationToken.None);
            var solana = await LocalServer.StartSolanaAsync(RepositoryPaths.Root, CancellationToken.None);
            var http = new HttpClient();
            var directory = Directory.CreateTempSubdirectory("aggregator-services-").FullName;
            var world = await DemoWorld.CreateAsync(RepositoryPaths.Root, http, chainA.Url, chainB.Url, solana.Url, directory, Accounts, CancellationToken.None);
            // The operator: publishes the books and asks for health, as the CLI does.
            var operatorBus = broker.Transport(BusIdentity.Operator);
            var client = AggregatorHost.Build(new HostPlan(operatorBus), bus =>
            {
                bus.AddSingleton(new ConcurrentBag<HealthReported>());
                ReplyEndpoints.Add<HealthReported, HealthCollector>(bus, operatorBus.OwnQueue("health"));
            });
            await client.StartAsync();
            return new Deployment(broker, chainA, chainB, solana, http, world, client);
        }

        /// <summary>The adapter, the oracle, one engine and the prover, each in a process of its own.</summary>
        public Roles RunRoles() => new(Run("adapter"), Run("oracle"), Run("engine"), Run("prover"));

        /// <summary>
        /// Publishes <paramref name="message"/> as <paramref name="user"/> would (a compromised role), from a
        /// host that is stopped but disposed only by the caller at the end: MassTransit keeps a process-wide
        /// log context that a disposed host would leave dangling for the in-process CLI.
        /// </summary>
        public async Task<IHost> PublishAsAsync<T>(string user, T message)
            where T : class
        {
            var host = AggregatorHost.Build(new HostPlan(Broker.Transport(user)));
            await host.StartAsync();
            await host.Services.GetRequiredService<IPublishEndpoint>().Publish(message);
            await host.StopAsync();
            return host;
        }

        /// <summary><c>aggregator epoch close</c> for <paramref name="epoch"/>, as the operator.</summary>
        public (int Exit, string Output, string Error) Close(ulong epoch) =>
            CliRunner.Run(["epoch", "close", .. Operator, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--timeout", "120"]);

        /// <summary><c>--bus</c> and <c>--bus-credentials</c> of the operator's CLI.</summary>
        public string[] Operator => Broker.BusArguments(BusIdentity.Operator);

        public string OperatorPassword => File.ReadAllText(Path.Combine(Broker.Credentials(BusIdentity.Operator), "password")).Trim();

        /// <summary>One role of the demo institution's configuration in a process of its own, on this deployment's broker, as that role's own user.</summary>
        public ServiceProcess Run(string role, string partition = "0/1") =>
            ServiceProcess.Run(World.ConfigPath, role, Broker.BusArguments(role == BusIdentity.Engine ? EnginePartition.Parse(partition).Queue : role), partition);

        /// <summary>
        /// Asks every engine partition for its accounts' health (a published request, each partition
        /// answering) until the answers of all <paramref name="partitions"/> satisfy <paramref name="condition"/>.
        /// </summary>
        public async Task<IReadOnlyList<HealthReported>> HealthWhen(Func<IReadOnlyList<HealthReported>, bool> condition, int partitions, IReadOnlyList<ServiceProcess> processes, string what)
        {
            var publish = Client.Services.GetRequiredService<IPublishEndpoint>();
            var replies = Client.Services.GetRequiredService<ReplyEndpoint<HealthReported>>().Address;
            var answers = Client.Services.GetRequiredService<ConcurrentBag<HealthReported>>();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            IReadOnlyList<HealthReported> last = [];
            while (DateTime.UtcNow < deadline)
            {
                var id = Guid.NewGuid();
                try
                {
                    await publish.Publish(new HealthRequested(id), request => request.ResponseAddress = replies);
                }
                catch (Exception)
                {
                    // the bus is reconnecting: ask again
                }
                var asked = DateTime.UtcNow;
                HealthReported[] these = [];
                while (DateTime.UtcNow - asked < TimeSpan.FromSeconds(5) && (these = Assembled(answers.Where(a => a.RequestId == id))).Length < partitions)
                {
                    await Task.Delay(50);
                }
                if (these.Length == partitions)
                {
                    last = these;
                    if (condition(these))
                    {
                        return these;
                    }
                }
                Assert.DoesNotContain(processes, p => p.HasExited && p.Role != "engine");
                await Task.Delay(200);
            }
            Assert.Fail($"timed out waiting until {what}; last answers: {string.Join("; ", last.Select(h => $"partition {h.Partition}: rebuilt {h.Rebuilt}, {h.LedgerEntries} entries, at {string.Join(", ", h.Heights.Select(b => $"{b.Chain}@{b.Height}"))}"))}\n{string.Join("\n", processes.Select(p => $"--- {p.Role}\n{p.Log}"))}");
            return last;
        }

        /// <summary>Each partition's answer whose parts have all arrived, its parts joined into one.</summary>
        private static HealthReported[] Assembled(IEnumerable<HealthReported> parts) =>
        [
            .. parts.GroupBy(p => p.Partition)
                .Where(g => g.Select(p => p.Part).Distinct().Count() == g.First().Parts)
                .Select(g => g.First() with { Accounts = [.. g.DistinctBy(p => p.Part).OrderBy(p => p.Part).SelectMany(p => p.Accounts)], Part = 0, Parts = 1 })
                .OrderBy(r => r.Partition),
        ];

        /// <summary>
        /// Twelve rounds, each moving the ETH balances of about a quarter of the accounts on the first chain
        /// (one new block) and publishing a borrow for each of them; <paramref name="during"/> runs at the start
        /// of each round. Returns every ledger entry published (each confirmed, retried while the bus reconnects).
        /// </summary>
        public async Task<IReadOnlyList<LedgerEntry>> StreamAsync(IReadOnlyList<ServiceProcess> processes, int partitions, Func<int, Task> during)
        {
            await HealthWhen(h => h.All(r => r.Rebuilt), partitions, processes, "every engine rebuilt from every chain");
            var publish = Client.Services.GetRequiredService<IPublishEndpoint>();
            var entries = new List<LedgerEntry>();
            var random = new Random(7);
            for (var round = 0; round < 12; round++)
            {
                await during(round);
                var moved = Enumerable.Range(0, Accounts).Where(_ => random.Next(4) == 0).ToArray();
                await JsonRpc.BatchAsync(Http, ChainA.Url, [.. moved.Select(i => ("anvil_setBalance", new JsonArray(World.DepositA(i), $"0x{random.Next(1, 8_000):x}00000000000000")))]);
                await JsonRpc.CallAsync(Http, ChainA.Url, "evm_mine", []);
                foreach (var i in moved)
                {
                    var entry = new LedgerEntry($"r{round}-{i}", World.Debts[i].Account, LedgerEntryKind.Borrow, Usdc, new Amount(random.Next(1, 500) * 1_000_000L, 6), DateTimeOffset.UtcNow);
                    entries.Add(entry);
                    for (var attempt = 0; ; attempt++)
                    {
                        try
                        {
                            await publish.Publish(entry);
                            break;
                        }
                        catch (Exception) when (attempt < 60)
                        {
                            await Task.Delay(500); // the broker is restarting: the entry is published again, never lost
                        }
                    }
                }
                await Task.Delay(300);
            }
            return entries;
        }

        /// <summary>
        /// Waits until the engines have applied the first chain's head and every entry, then checks that
        /// every account's health is what a fresh book makes of the chains as they are now and every entry
        /// applied once: nothing lost, nothing applied twice.
        /// </summary>
        public async Task<IReadOnlyList<HealthReported>> AssertFromScratchAsync(IReadOnlyList<LedgerEntry> entries, IReadOnlyList<ServiceProcess> processes, int partitions)
        {
            var head = ulong.Parse((await JsonRpc.CallAsync(Http, ChainA.Url, "eth_blockNumber", []))!.GetValue<string>()[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var reports = await HealthWhen(
                h => h.All(r => r.Rebuilt && r.Heights.Any(b => b.Chain == DemoWorld.ChainA && b.Height == head)) && h.Sum(r => r.LedgerEntries) == entries.Count,
                partitions, processes, "the engines caught up with the stream");
            var config = RunConfigFile.Read(World.ConfigPath);
            var fresh = new EngineBook(config.Engine.CreateBook());
            foreach (var reader in AdapterRole.Readers(config.Reserves, config.Engine.Accounts.SelectMany(a => a.Deposits), Http))
            {
                fresh.Apply(await reader.ReadAsync());
            }
            foreach (var entry in entries)
            {
                fresh.Apply(entry);
            }
            var expected = fresh.Health(Guid.Empty).SelectMany(p => p.Accounts).OrderBy(a => a.Account, StringComparer.Ordinal).ToArray();
            var actual = reports.SelectMany(r => r.Accounts).OrderBy(a => a.Account, StringComparer.Ordinal).ToArray();
            Assert.Equal(expected, actual);
            Assert.Contains(actual, a => a.Requirement > 0);
            return reports;
        }

        public async ValueTask DisposeAsync()
        {
            await Client.StopAsync();
            Client.Dispose();
            Http.Dispose();
            Solana.Dispose();
            ChainB.Dispose();
            ChainA.Dispose();
            await Broker.DisposeAsync();
            Directory.Delete(World.Directory, recursive: true);
        }
    }
}

/// <summary>`aggregator demo`, the README's first command, end to end on the in-memory bus and on RabbitMQ.</summary>
[Collection(ProcessTests.Name)]
public sealed class DemoCommandTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("rabbitmq")]
    public async Task The_demo_runs_every_step_and_reports_each(string bus)
    {
        var broker = bus == "rabbitmq" ? RabbitMqBroker.OfItsOwn() : null;
        if (broker is not null)
        {
            await broker.InitializeAsync();
        }
        var directory = Path.Combine(Directory.CreateTempSubdirectory("aggregator-demo-").FullName, "run");
        try
        {
            var (exit, output, error) = CliRunner.Run(["demo", "--accounts", "60", "--out", directory, .. broker?.BusArguments(BusIdentity.All) ?? ["--bus", "memory"]]);
            Assert.True(exit == 0, output + error);
            string[] steps = ["local chains:", "institution:", "services on", "books: 60 USDC borrows", "liquidation plans published", "read back from the registry", "VALID against the published manifest", "attested through the API, privately, collateral worth at least 2,000 USD (its deposits, gross of its debt here)", "Proof-of-Reserve feeds (AggregatorV3Interface), reserves and coverage ratio per asset, deployed and read: BTC", "a client filed a dispute of epoch", "co-signed on the registry by auditor Example Audit LLP", "in all; the local chains are stopped"];
            var lines = output.Split('\n');
            Assert.Equal(steps.Length, lines.Count(l => l.Length > 0));
            for (var i = 0; i < steps.Length; i++)
            {
                Assert.Contains(steps[i], lines[i], StringComparison.Ordinal);
            }
            Assert.Matches(@"[1-9][0-9]* liquidation plans published", output);
            Assert.Matches(@"closed: window \[\d+, \d+\) sampled after it from the prevrandao", output);
            Assert.Contains(": 1 on record", output, StringComparison.Ordinal);
            // The protocol lent once against the attestation, and refused the same account again this epoch.
            Assert.Matches(@"and lent 2,000 USD \([0-9,]+ gas\); asked again this epoch: NullifierUsed", output);
            // The coverage fixed before the window, proven and fed; the evidence per tag, the self-declared never counted.
            Assert.Contains("solvency proved at least 105% per asset", output, StringComparison.Ordinal);
            Assert.Matches(@"ETH \S+ covering at least 105%", output);
            Assert.Matches(@"custodian-attested 2 ETH.*self-declared 500 ETH", output);
            Assert.DoesNotContain("password", output + error, StringComparison.OrdinalIgnoreCase);
            Assert.Single(Directory.GetDirectories(Path.Combine(directory, "epochs")));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task With_serve_the_demo_keeps_the_API_the_chains_and_the_feeds_up_until_stopped_and_says_where_in_api_json()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("aggregator-demo-").FullName, "run");
        using var stop = new CancellationTokenSource();
        var report = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var run = Task.Run(() => DemoRun.RunAsync(new DemoOptions(RepositoryPaths.Root, directory, 30, BusTransport.InMemory) { Serve = true }, report.Enqueue, stop.Token));
        try
        {
            var apiJson = Path.Combine(directory, "api.json");
            await Eventually.Until(() => File.Exists(apiJson) || run.IsCompleted, "the demo wrote api.json", TimeSpan.FromMinutes(3));
            Assert.False(run.IsFaulted, run.Exception?.ToString());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(apiJson)); // it holds a key and a credential
            }
            var served = JsonNode.Parse(await File.ReadAllTextAsync(apiJson))!;
            foreach (var field in new[] { "api", "verifyPage", "protocolKey", "account", "credential", "rpc", "registry", "publisher", "epoch", "feeds" })
            {
                Assert.True(served[field] is not null, $"api.json has no {field}");
            }
            using var http = new HttpClient { BaseAddress = new Uri(served["api"]!.GetValue<string>()) };
            using (var figures = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/accounts/{served["account"]}", UriKind.Relative)))
            {
                figures.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", served["credential"]!.GetValue<string>());
                using var answer = await http.SendAsync(figures);
                Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
            }
            Assert.Contains("Verify your inclusion", await http.GetStringAsync(new Uri(served["verifyPage"]!.GetValue<string>())), StringComparison.Ordinal);
            var epochs = JsonNode.Parse(await http.GetStringAsync(new Uri("/v1/epochs", UriKind.Relative)))!;
            Assert.Equal(served["epoch"]!.GetValue<ulong>(), epochs["epochs"]![0]!["epoch"]!.GetValue<ulong>());
            var web3 = new Nethereum.Web3.Web3(served["rpc"]!.GetValue<string>());
            foreach (var (asset, feed) in served["feeds"]!.AsObject())
            {
                var round = await new ReserveFeedClient(web3, feed!.GetValue<string>()).LatestRoundAsync();
                Assert.True(round.Answer > 0, $"{asset}'s feed answers {round.Answer}");
            }
            Assert.Contains(report, line => line.Contains("serving until Ctrl-C", StringComparison.Ordinal));
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Contains(report, line => line.Contains("in all; the local chains are stopped", StringComparison.Ordinal));
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync(new Uri("/health/live", UriKind.Relative)));
        }
        finally
        {
            await stop.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
        }
    }
}
