using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.InclusionProver.Tests;

/// <summary>
/// <c>aggregator-prove inclusion</c>, in process and as published with Native AOT: the file it writes
/// verifies against the published manifest, and bad input is exit 2 naming what is wrong.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public sealed class InclusionProverTests(ProvenEpochFixture epoch)
{
    internal static (int Exit, string Output, string Error) InProcess(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = InclusionProverApplication.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    internal static ProofChecks.Report Check(ProvenEpochFixture epoch, string file) =>
        ProofChecks.Inclusion(file, ProofChecks.Published.FromManifest(epoch.ManifestPath), VerificationKeys.Installed());

    internal static string NewFile(ProvenEpochFixture epoch) => Path.Combine(epoch.Workspace, $"bob-{Guid.NewGuid():N}.json");

    private ProofChecks.Report Check(string file) => Check(epoch, file);

    private string NewFile() => NewFile(epoch);

    [Fact]
    public void In_process_the_file_verifies_and_the_lines_are_the_full_command_s()
    {
        var (ours, full) = (NewFile(), NewFile());
        var (exit, output, error) = InProcess("inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--out", ours);
        Assert.Equal(0, exit);
        Assert.Equal($"inclusion proof for 'bob' written to {ours}\n", output);
        var cli = CliRunner.Run("prove", "inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--out", full);
        Assert.Equal(cli.Error, error);
        Assert.True(Check(ours).IsValid, Check(ours).Failure);
        // The same account, salt and balances as the full command's file; only the proof's randomness differs.
        var (a, b) = (System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ours))!.AsObject(), System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(full))!.AsObject());
        foreach (var field in new[] { "format", "circuit", "account", "salt", "balances", "leafHash", "epoch", "publisher", "depth", "assets", "rootHash", "paramsHash", "commitment", "publicSignals" })
        {
            Assert.Equal(b[field]!.ToJsonString(), a[field]!.ToJsonString());
        }
    }

    [Fact]
    public void Bad_input_is_exit_2_naming_it_and_writes_nothing()
    {
        var file = NewFile();
        var unknown = InProcess("inclusion", "--epoch", epoch.EpochDirectory, "--account", "nobody", "--out", file);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("account 'nobody' is not in this epoch", unknown.Error, StringComparison.Ordinal);
        var noEpoch = InProcess("inclusion", "--epoch", Path.Combine(epoch.Workspace, "none"), "--account", "bob", "--out", file);
        Assert.Equal(2, noEpoch.Exit);
        Assert.Contains("manifest.json", noEpoch.Error, StringComparison.Ordinal);
        var missingAccount = InProcess("inclusion", "--epoch", epoch.EpochDirectory);
        Assert.Equal(2, missingAccount.Exit);
        Assert.StartsWith("error: ", missingAccount.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }
}

/// <summary><c>aggregator-prove</c> as it is installed: published with Native AOT for x86-64-v3.</summary>
[Collection(ProvenEpochGroup.Name)]
public sealed class NativeInclusionProverTests(ProvenEpochFixture epoch, NativeInclusionProverTests.Published published) : IClassFixture<NativeInclusionProverTests.Published>
{
    /// <summary>The prover published once for the class.</summary>
    public sealed class Published() : IDisposable
    {
        public NativeExecutable Executable { get; } = new("Aggregator.InclusionProver", "aggregator-prove");

        public void Dispose() => Executable.Dispose();
    }

    private ProofChecks.Report Check(string file) => InclusionProverTests.Check(epoch, file);

    private string NewFile() => InclusionProverTests.NewFile(epoch);

    [Fact]
    public void Published_ahead_of_time_its_proof_verifies_and_it_carries_no_wasm_engine()
    {
        var file = NewFile();
        var (exit, output, error) = published.Executable.Run("inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--out", file);
        Assert.True(exit == 0, error);
        Assert.Equal($"inclusion proof for 'bob' written to {file}\n", output);
        Assert.Contains("witness of inclusion_20_4: native templates", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(published.Executable.Directory, "keys"), error, StringComparison.Ordinal);
        var report = Check(file);
        Assert.True(report.IsValid, report.Failure);
        Assert.Empty(Directory.GetFiles(published.Executable.Directory, "*wasm*", SearchOption.AllDirectories));
    }

    [Fact]
    public void An_unknown_account_is_exit_2_naming_it_and_writes_nothing()
    {
        var file = NewFile();
        var unknown = published.Executable.Run("inclusion", "--epoch", epoch.EpochDirectory, "--account", "nobody", "--out", file);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("account 'nobody' is not in this epoch", unknown.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void A_proving_key_of_another_circuit_is_refused()
    {
        var keys = Directory.CreateTempSubdirectory("aggregator-keys-").FullName;
        try
        {
            var installed = Path.Combine(AppContext.BaseDirectory, "keys");
            foreach (var name in new[] { "inclusion_20_4.vkey.json", "inclusion_20_4.sym" })
            {
                File.Copy(Path.Combine(installed, name), Path.Combine(keys, name));
            }
            File.Copy(Path.Combine(installed, "collateral_20_4.zkey"), Path.Combine(keys, "inclusion_20_4.zkey"));
            var file = NewFile();
            var (exit, _, error) = published.Executable.Run("inclusion", "--epoch", epoch.EpochDirectory, "--account", "bob", "--out", file, "--keys", keys);
            Assert.Equal(2, exit);
            Assert.Contains("not from the same circuit", error, StringComparison.Ordinal);
            Assert.False(File.Exists(file));
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}
