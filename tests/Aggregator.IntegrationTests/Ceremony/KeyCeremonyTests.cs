using System.Diagnostics;
using Aggregator.Chains.Evm.Registry;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Prover.Ceremony;
using Aggregator.Proving;
using Aggregator.Proving.Ceremony;
using Aggregator.Testing;
using Nethereum.Signer;

namespace Aggregator.IntegrationTests.Ceremony;

/// <summary>
/// A local phase 1 (2^12 powers of tau made here, one contribution: marked local, never pinned) and the
/// solvency circuit's r1cs compiled from circuits/main, for ceremonies at the solvency circuit's size;
/// and one three-party ceremony finalized over them, which each test copies.
/// </summary>
public sealed class LocalCeremony : IAsyncLifetime
{
    public string Workspace { get; } = Directory.CreateTempSubdirectory("aggregator-ceremony-").FullName;

    public string Ptau => Path.Combine(Workspace, "local_12.ptau");

    public string R1cs => Path.Combine(Workspace, "solvency_4.r1cs");

    public string Finalized => Path.Combine(Workspace, "finalized");

    public static string KeyFile(string directory, int account)
    {
        var path = Path.Combine(directory, $"key-{account}-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, AnvilNode.DevelopmentKeys[account]);
        return path;
    }

    public async Task InitializeAsync()
    {
        var circuits = RepositoryPaths.Combine("circuits");
        var snarkjs = new SnarkjsCli(circuits);
        foreach (var step in new[]
        {
            new[] { "powersoftau", "new", "bn128", "12", Path.Combine(Workspace, "pot_0.ptau") },
            ["powersoftau", "contribute", Path.Combine(Workspace, "pot_0.ptau"), Path.Combine(Workspace, "pot_1.ptau"), "--name=local test", "-e=local test entropy"],
            ["powersoftau", "prepare", "phase2", Path.Combine(Workspace, "pot_1.ptau"), Ptau],
        })
        {
            var result = await snarkjs.RunAsync(step);
            Assert.True(result.ExitCode == 0, result.Output);
        }
        // circom2 resolves the circuit's includes from the circuits folder.
        using var compile = Process.Start(new ProcessStartInfo("node", [Path.Combine(circuits, "node_modules", "circom2", "cli.js"), Path.Combine(circuits, "main", "solvency_4.circom"), "--r1cs", "--O2", "-o", Workspace])
        {
            WorkingDirectory = circuits,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await compile.StandardOutput.ReadToEndAsync();
        await compile.WaitForExitAsync();
        Assert.True(compile.ExitCode == 0, output + await compile.StandardError.ReadToEndAsync());

        string[] at = ["--dir", Finalized];
        Assert.Equal(0, CliRunner.Run(["ceremony", "init", "--circuit", "solvency_4", "--r1cs", R1cs, "--ptau", Ptau, .. at]).Exit);
        string[] names = ["Example Custody Ltd", "Example Audit LLP", "A Stranger"];
        for (var party = 0; party < 3; party++)
        {
            var added = CliRunner.Run(["ceremony", "contribute", .. at, "--name", names[party], "--key-file", KeyFile(Workspace, party)]);
            Assert.True(added.Exit == 0, added.Output + added.Error);
        }
        var finalized = CliRunner.Run(["ceremony", "finalize", .. at, "--beacon", "0x00000000000000000002f1c5e3b5ad7a8c5e2b1f6f0d3e4c5b6a798877665544", "--beacon-source", "Bitcoin block 930000's hash"]);
        Assert.True(finalized.Exit == 0, finalized.Output + finalized.Error);
    }

    /// <summary>A copy of the finalized ceremony to tamper with.</summary>
    public string CopyOfFinalized()
    {
        var copy = Path.Combine(Workspace, $"copy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(Finalized))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        return copy;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Workspace, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Keys from a ceremony: three parties and a beacon at the solvency circuit's size through the CLI and
/// snarkjs 0.7.6; every tampering with the contributions, the keys or the transcript refused; the local
/// phase 1 marked INSECURE; the registry's verifier compared byte for byte.
/// </summary>
[Collection(EvmNodeTests.Name)]
public sealed class KeyCeremonyTests(LocalCeremony ceremony, AnvilNode node) : IClassFixture<LocalCeremony>
{
    private static readonly string Publisher = new EthECKey(AnvilNode.DevelopmentKeys[0]).GetPublicAddress();

    private (int Exit, string Output, string Error) Verify(string directory, params string[] more) =>
        CliRunner.Run(["ceremony", "verify", "--dir", directory, "--ptau", ceremony.Ptau, "--publisher", Publisher, .. more]);

    [Fact]
    public void Three_parties_and_a_beacon_verify_step_by_step_and_only_the_local_phase_1_makes_them_insecure()
    {
        var (exit, output, error) = Verify(ceremony.Finalized);
        Assert.True(exit == 1, output + error);
        Assert.Contains("ok: snarkjs zkey verify: the final key", output, StringComparison.Ordinal);
        Assert.Contains("ok: contributions: the final key holds exactly the transcript's 3, then the beacon 00000000000000000002f1c5e3b5ad7a8c5e2b1f6f0d3e4c5b6a798877665544 (Bitcoin block 930000's hash, 2^10 iterations)", output, StringComparison.Ordinal);
        foreach (var (party, name) in new[] { (0, "Example Custody Ltd"), (1, "Example Audit LLP"), (2, "A Stranger") })
        {
            Assert.Contains($"ok: contribution {party + 1}: \"{name}\", signed by {new EthECKey(AnvilNode.DevelopmentKeys[party]).GetPublicAddress()}", output, StringComparison.Ordinal);
        }
        Assert.Contains("ok: solvency_4.vkey.json: exported from the final key", output, StringComparison.Ordinal);
        Assert.Contains("ok: SolvencyVerifier.sol: exported from the final key", output, StringComparison.Ordinal);
        Assert.DoesNotContain("INVALID", output, StringComparison.Ordinal);
        var insecure = output.Split('\n').Where(l => l.StartsWith("INSECURE: ", StringComparison.Ordinal)).ToList();
        Assert.Contains("local_12.ptau: NOT a pinned public ceremony (local, development only)", Assert.Single(insecure), StringComparison.Ordinal);
        Assert.Equal("INSECURE", output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim());

        // The keys are the final zkey's, and differ from the committed development keys.
        Assert.NotEqual(VerificationKeys.PinnedSha256("solvency_4"), KeyCeremony.Sha256Of(Path.Combine(ceremony.Finalized, "solvency_4.vkey.json")));
        // Finalized means closed.
        var late = CliRunner.Run("ceremony", "contribute", "--dir", ceremony.CopyOfFinalized(), "--name", "Late", "--key-file", LocalCeremony.KeyFile(ceremony.Workspace, 1));
        Assert.Equal(2, late.Exit);
        Assert.Contains("the ceremony is finalized", late.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_tampering_with_a_contribution_the_keys_or_the_transcript_is_invalid()
    {
        var snarkjs = new SnarkjsCli(RepositoryPaths.Combine("circuits"));
        var tamperings = new Dictionary<string, Func<string, Task>>(StringComparer.Ordinal)
        {
            // A contributor renamed after the fact: the key's list no longer matches, nor does the signature.
            ["contributions: the final key holds"] = dir => Rewrite(dir, t => t with { Contributions = [t.Contributions[0], t.Contributions[1] with { Name = "Big Four Auditor" }, t.Contributions[2]] }),
            // A signature by another key than the one named.
            ["contribution 2 (Example Audit LLP): the signature is not"] = dir => Rewrite(dir, t => t with
            {
                Contributions = [t.Contributions[0], t.Contributions[1] with { Signature = new EthereumMessageSigner().EncodeUTF8AndSign("anything", EthECKey.GenerateKey()) }, t.Contributions[2]],
            }),
            // A contribution the transcript does not record, slipped in after the beacon (the transcript's hashes follow it).
            ["contributions: the final key holds 5"] = async dir =>
            {
                var final = Path.Combine(dir, "solvency_4.zkey");
                var result = await snarkjs.RunAsync(["zkey", "contribute", final, final + ".extra", "--name=unrecorded", "-e=x"]);
                Assert.Equal(0, result.ExitCode);
                File.Move(final + ".extra", final, overwrite: true);
                await Rewrite(dir, t => t with { Keys = t.Keys! with { ZkeySha256 = KeyCeremony.Sha256Of(final) }, Beacon = t.Beacon! with { ZkeySha256 = KeyCeremony.Sha256Of(final) } });
            },
            // A byte of the final key changed, the transcript's hashes following it: snarkjs refuses the key.
            ["snarkjs zkey verify refuses the final key"] = async dir =>
            {
                var final = Path.Combine(dir, "solvency_4.zkey");
                var bytes = await File.ReadAllBytesAsync(final);
                bytes[bytes.Length - 100] ^= 0x01;
                await File.WriteAllBytesAsync(final, bytes);
                await Rewrite(dir, t => t with { Keys = t.Keys! with { ZkeySha256 = KeyCeremony.Sha256Of(final) }, Beacon = t.Beacon! with { ZkeySha256 = KeyCeremony.Sha256Of(final) } });
            },
            // The final key swapped for the first contribution's.
            ["final key: solvency_4.zkey is missing or not the one the transcript records"] = dir =>
            {
                File.Copy(Path.Combine(dir, "solvency_4_0001.zkey"), Path.Combine(dir, "solvency_4.zkey"), overwrite: true);
                return Task.CompletedTask;
            },
            // A verification key other than the final key's (the committed development one).
            ["solvency_4.vkey.json: missing, or not what the final key exports"] = dir =>
            {
                File.Copy(RepositoryPaths.Combine("circuits", "keys", "solvency_4.vkey.json"), Path.Combine(dir, "solvency_4.vkey.json"), overwrite: true);
                return Task.CompletedTask;
            },
            // Another phase 1 than the one the keys were made from.
            ["phase 1: this file's sha256"] = dir => Rewrite(dir, t => t with { Phase1 = t.Phase1 with { Sha256 = new string('0', 64) } }),
            // A contribution that does not start from the key before it.
            ["contribution 3 (A Stranger): it does not start from the zkey before it"] = dir => Rewrite(dir, t => t with { Contributions = [t.Contributions[0], t.Contributions[1], t.Contributions[2] with { PreviousSha256 = t.Contributions[0].ZkeySha256 }] }),
        };
        foreach (var (expected, tamper) in tamperings)
        {
            var copy = ceremony.CopyOfFinalized();
            await tamper(copy);
            var (exit, output, error) = Verify(copy);
            Assert.True(exit == 1, $"{expected}: {output}{error}");
            Assert.Contains($"INVALID: {expected}", output, StringComparison.Ordinal);
            Assert.DoesNotContain("SECURE\n", output.Replace("INSECURE", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_registrys_verifier_is_checked_byte_for_byte_against_the_ceremonys()
    {
        // A registry whose solvency verifier runs the ceremony's verifier compiled with the repository's solc.
        var runtime = await KeyCeremony.VerifierRuntimeAsync(RepositoryPaths.Combine("contracts"), Path.Combine(ceremony.Finalized, "SolvencyVerifier.sol"), "solvency_4");
        var verifier = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        await Demo.JsonRpc.CallAsync(new HttpClient(), node.RpcUrl, "anvil_setCode", [verifier, runtime]);
        var web3 = node.Web3For(0);
        var ours = (await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(SolvencyRegistryClient.Abi, SolvencyRegistryClient.Bytecode, web3.TransactionManager.Account.Address,
            Chains.Evm.ContractArtifact.DeployGas, null, verifier, verifier, 3_600UL, 3_600UL)).ContractAddress;
        var matched = Verify(ceremony.Finalized, "--rpc", node.RpcUrl, "--registry", ours);
        Assert.Contains($"ok: registry {ours}: its SolvencyVerifier at ", matched.Output, StringComparison.Ordinal);
        Assert.Contains("is this ceremony's verifier, byte for byte", matched.Output, StringComparison.Ordinal);

        // The registry of the committed development keys does not run this ceremony's keys.
        var theirs = await RegistryDeployment.DeployAsync(web3, RepositoryPaths.Combine("contracts", "artifacts"));
        var other = Verify(ceremony.Finalized, "--rpc", node.RpcUrl, "--registry", theirs);
        Assert.Equal(1, other.Exit);
        Assert.Contains("is not this ceremony's verifier", other.Output, StringComparison.Ordinal);

        // The same check holds the committed verifier to the registry deployed from the artifacts.
        var (solvency, _) = await new SolvencyRegistryClient(web3, theirs, web3.TransactionManager.Account.Address).VerifiersAsync();
        Assert.Equal(await KeyCeremony.VerifierRuntimeAsync(RepositoryPaths.Combine("contracts"), RepositoryPaths.Combine("contracts", "generated", "SolvencyVerifier.sol"), "solvency_4"),
            await web3.Eth.GetCode.SendRequestAsync(solvency), ignoreCase: true);
    }

    [Fact]
    public void A_ceremony_starts_only_from_the_circuits_own_r1cs()
    {
        var wrong = Path.Combine(ceremony.Workspace, "other.r1cs");
        File.WriteAllBytes(wrong, [1, 2, 3]);
        var refused = CliRunner.Run("ceremony", "init", "--circuit", "solvency_4", "--r1cs", wrong, "--ptau", ceremony.Ptau, "--dir", Path.Combine(ceremony.Workspace, $"wrong-{Guid.NewGuid():N}"));
        Assert.Equal(2, refused.Exit);
        Assert.Contains("is not circuit solvency_4's", refused.Error, StringComparison.Ordinal);
        var unknown = CliRunner.Run("ceremony", "init", "--circuit", "inclusion_20_5", "--r1cs", ceremony.R1cs, "--ptau", ceremony.Ptau, "--dir", Path.Combine(ceremony.Workspace, $"wrong-{Guid.NewGuid():N}"));
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("no circuit 'inclusion_20_5'", unknown.Error, StringComparison.Ordinal);
    }

    private static Task Rewrite(string directory, Func<CeremonyTranscript, CeremonyTranscript> change)
    {
        change(CeremonyTranscript.Read(directory)).Write(directory);
        return Task.CompletedTask;
    }
}
