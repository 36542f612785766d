using Aggregator.Proving;
using Aggregator.Proving.Ceremony;
using Aggregator.Testing;
using Nethereum.Signer;

namespace Aggregator.Prover.Tests.Ceremony;

/// <summary>The rules a ceremony's transcript must meet before its keys publish, each broken on its own.</summary>
public sealed class CeremonyRulesTests
{
    private static readonly EthECKey Publisher = new("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    private static readonly EthECKey Auditor = new("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static readonly EthECKey Stranger = new("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");

    private const string Hermez = CeremonyTranscripts.Hermez;

    private static CeremonyTranscript Transcript(string phase1, string? verificationKeySha256 = null, string circuit = "solvency_4", params EthECKey[] signers) =>
        CeremonyTranscripts.Finalized(phase1, verificationKeySha256, circuit, signers);

    private static readonly Dictionary<string, string> Pinned = new(StringComparer.Ordinal) { [Hermez] = "Hermez" };

    [Fact]
    public void Two_signed_contributions_from_distinct_keys_one_not_the_publishers_over_the_pinned_phase_1_with_a_beacon_are_secure()
    {
        Assert.Empty(CeremonyRules.InsecureBecause(Transcript(Hermez, signers: [Publisher, Auditor]), Publisher.GetPublicAddress(), Pinned));
        Assert.Empty(CeremonyRules.InsecureBecause(Transcript(Hermez, signers: [Publisher, Auditor, Stranger]), Publisher.GetPublicAddress().ToLowerInvariant(), Pinned));
    }

    [Fact]
    public void A_local_phase_1_is_insecure_whatever_phase_2_did()
    {
        var reasons = CeremonyRules.InsecureBecause(Transcript(new string('d', 64), signers: [Auditor, Stranger]), Publisher.GetPublicAddress(), Pinned);
        Assert.Contains("is not a pinned public powers of tau", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void One_contributor_however_many_contributions_is_insecure()
    {
        var reasons = CeremonyRules.InsecureBecause(Transcript(Hermez, signers: [Auditor, Auditor, Auditor]), Publisher.GetPublicAddress(), Pinned);
        Assert.Contains("1 contributor key(s) signed contributions: at least two distinct ones", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Contributions_all_by_the_publisher_are_insecure()
    {
        var transcript = Transcript(Hermez, signers: [Publisher, Publisher]);
        var reasons = CeremonyRules.InsecureBecause(transcript, Publisher.GetPublicAddress(), Pinned);
        Assert.Contains(reasons, r => r.Contains("no contribution is signed by a key other than the publisher's", StringComparison.Ordinal));
        // The same keys serve another publisher: then only the single-key rule applies.
        Assert.DoesNotContain(CeremonyRules.InsecureBecause(transcript, Auditor.GetPublicAddress(), Pinned), r => r.Contains("publisher's", StringComparison.Ordinal));
    }

    [Fact]
    public void A_contribution_whose_signature_is_not_its_signers_does_not_count()
    {
        var transcript = Transcript(Hermez, signers: [Publisher, Auditor]);
        CeremonyTranscript[] tampered =
        [
            transcript with { Contributions = [transcript.Contributions[0], transcript.Contributions[1] with { Name = "Someone Famous" }] },
            transcript with { Contributions = [transcript.Contributions[0], transcript.Contributions[1] with { Signer = Stranger.GetPublicAddress() }] },
            transcript with { Contributions = [transcript.Contributions[0], transcript.Contributions[1] with { ContributionHash = new string('0', 128) }] },
            transcript with { Contributions = [transcript.Contributions[0], transcript.Contributions[1] with { Signature = "0x1234" }] },
            transcript with { Phase1 = transcript.Phase1 with { Sha256 = Hermez[..63] + "0" } },
        ];
        for (var i = 0; i < tampered.Length; i++)
        {
            var reasons = CeremonyRules.InsecureBecause(tampered[i], Publisher.GetPublicAddress(), Pinned);
            Assert.True(reasons.Any(r => r.Contains("not signed by the key they name", StringComparison.Ordinal) || r.Contains("not a pinned public", StringComparison.Ordinal)), $"tampering {i} went unnoticed");
        }
    }

    [Fact]
    public void Without_the_beacon_the_keys_are_insecure()
    {
        var reasons = CeremonyRules.InsecureBecause(Transcript(Hermez, signers: [Publisher, Auditor]) with { Beacon = null }, Publisher.GetPublicAddress(), Pinned);
        Assert.Contains("no beacon was applied", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Installed_keys_are_secure_only_with_a_transcript_per_circuit_ending_with_the_pinned_key()
    {
        var keys = Directory.CreateTempSubdirectory("aggregator-keys-").FullName;
        try
        {
            // The committed development keys: no transcript.
            Assert.All(KeySecurity.InsecureBecause(keys, Publisher.GetPublicAddress()), r => Assert.Contains("no ceremony transcript", r, StringComparison.Ordinal));
            foreach (var circuit in VerificationKeys.Circuits)
            {
                var transcript = Transcript(Hermez, VerificationKeys.PinnedSha256(circuit), circuit, Publisher, Auditor);
                File.WriteAllText(Path.Combine(keys, circuit + KeySecurity.TranscriptSuffix), File.ReadAllText(WriteTo(transcript)));
            }
            Assert.Empty(KeySecurity.InsecureBecause(keys, Publisher.GetPublicAddress()));
            // A transcript of other keys than the pinned ones vouches for nothing.
            var other = Transcript(Hermez, new string('7', 64), "solvency_4", Publisher, Auditor);
            File.WriteAllText(Path.Combine(keys, "solvency_4" + KeySecurity.TranscriptSuffix), File.ReadAllText(WriteTo(other)));
            Assert.Contains("does not end with the pinned verification key", Assert.Single(KeySecurity.InsecureBecause(keys, Publisher.GetPublicAddress())), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("..")]
    public void A_transcript_naming_a_file_outside_its_directory_is_refused(string file)
    {
        var transcript = Transcript(Hermez, signers: [Publisher, Auditor]);
        var path = WriteTo(transcript with { Keys = transcript.Keys! with { Verifier = file } });
        var error = Assert.Throws<Core.Errors.InputException>(() => CeremonyTranscript.ReadFile(path));
        Assert.Contains("not a file of the ceremony's directory", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, CeremonyTranscript.ReadFile(WriteTo(transcript)).Contributions.Count);
    }

    private static string WriteTo(CeremonyTranscript transcript)
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-transcript-").FullName;
        transcript.Write(directory);
        return Path.Combine(directory, CeremonyTranscript.FileName);
    }
}
