using Aggregator.Proving;
using Aggregator.Proving.Ceremony;
using Aggregator.Testing;
using Nethereum.Signer;

namespace Aggregator.Verifier.Tests;

/// <summary>
/// <c>aggregator-verify</c> as it is installed: published with Native AOT (trimmed, no JIT, no
/// reflection-based JSON), it must say what the in-process verifier says, and still check a ceremony's
/// signatures.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public sealed class NativeVerifierTests(ProvenEpochFixture epoch, NativeVerifierTests.Published published) : IClassFixture<NativeVerifierTests.Published>
{
    /// <summary>The verifier published once for the class.</summary>
    public sealed class Published() : IDisposable
    {
        public NativeExecutable Executable { get; } = new("Aggregator.Verifier", "aggregator-verify");

        public void Dispose() => Executable.Dispose();
    }

    private (int Exit, string Output, string Error) Native(params string[] args) => published.Executable.Run(args);

    private static (int Exit, string Output, string Error) InProcess(params string[] args) => InProcessVerifier.Run(args);

    [Fact]
    public void The_native_executable_gives_the_in_process_verdict_line_for_line()
    {
        var keys = RepositoryPaths.Combine("circuits", "keys");
        string[] valid = ["inclusion", "--proof", epoch.InclusionPath, "--manifest", epoch.ManifestPath, "--keys", keys];
        var native = Native(valid);
        Assert.Equal((0, InProcess(valid).Output), (native.Exit, native.Output));
        Assert.Contains("\nVALID\n", native.Output, StringComparison.Ordinal);

        string[] tampered = ["inclusion", "--proof", epoch.Tampered(d => d["balances"]![2] = "300000001"), "--manifest", epoch.ManifestPath, "--keys", keys];
        var invalid = Native(tampered);
        Assert.Equal((1, InProcess(tampered).Output), (invalid.Exit, invalid.Output));

        var missing = Native("inclusion", "--proof", Path.Combine(epoch.Workspace, "none.json"), "--manifest", epoch.ManifestPath);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("none.json", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_installed_keys_travel_with_the_executable_and_are_said_to_be_insecure()
    {
        var (exit, output, error) = Native("inclusion", "--proof", epoch.InclusionPath, "--manifest", epoch.ManifestPath);
        Assert.Equal(0, exit);
        Assert.Contains(Path.Combine(published.Executable.Directory, "keys", "inclusion_20_4.vkey.json"), output, StringComparison.Ordinal);
        Assert.Contains(KeySecurity.Warning, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ceremony_s_signatures_are_checked_natively()
    {
        EthECKey[] contributors =
        [
            new("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
            new("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
        ];
        var keys = System.IO.Directory.CreateTempSubdirectory("aggregator-ceremony-keys-").FullName;
        try
        {
            foreach (var circuit in VerificationKeys.Circuits)
            {
                File.Copy(RepositoryPaths.Combine("circuits", "keys", circuit + ".vkey.json"), Path.Combine(keys, circuit + ".vkey.json"));
                CeremonyTranscripts.Finalized(CeremonyTranscripts.Hermez, VerificationKeys.PinnedSha256(circuit), circuit, contributors).Write(keys);
                File.Move(Path.Combine(keys, CeremonyTranscript.FileName), Path.Combine(keys, circuit + KeySecurity.TranscriptSuffix));
            }
            string[] args = ["inclusion", "--proof", epoch.InclusionPath, "--manifest", epoch.ManifestPath, "--keys", keys];
            var secure = Native(args);
            Assert.Equal((0, ""), (secure.Exit, secure.Error));

            // One signature made by the other contributor: recovered natively, it names the wrong signer.
            var path = Path.Combine(keys, "inclusion_20_4" + KeySecurity.TranscriptSuffix);
            var transcript = CeremonyTranscript.ReadFile(path);
            var forged = transcript with { Contributions = [transcript.Contributions[0] with { Signature = transcript.Contributions[1].Signature }, transcript.Contributions[1]] };
            forged.Write(keys);
            File.Move(Path.Combine(keys, CeremonyTranscript.FileName), path, overwrite: true);
            var insecure = Native(args);
            Assert.Equal(0, insecure.Exit);
            Assert.Contains(KeySecurity.Warning, insecure.Error, StringComparison.Ordinal);
        }
        finally
        {
            System.IO.Directory.Delete(keys, recursive: true);
        }
    }
}
