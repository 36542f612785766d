using Aggregator.Prover.Ceremony;
using Aggregator.Proving.Ceremony;
using Nethereum.Signer;

namespace Aggregator.Testing;

/// <summary>Finalized ceremony transcripts with real EIP-191 signatures, for the tests of the key-security rules.</summary>
public static class CeremonyTranscripts
{
    /// <summary>The Hermez powers of tau, the pinned public phase 1.</summary>
    public const string Hermez = "3ef2ecc5b75d687048cf2d59195119b42fb07c5af639c5f283d84bfa69829e7f";

    /// <summary>A finalized transcript whose contributions are signed by <paramref name="signers"/>, in order.</summary>
    public static CeremonyTranscript Finalized(string phase1, string? verificationKeySha256 = null, string circuit = "solvency_4", params EthECKey[] signers)
    {
        ArgumentNullException.ThrowIfNull(signers);
        var transcript = new CeremonyTranscript(CeremonyTranscript.CurrentFormat, circuit, new string('a', 64), new CeremonyTranscript.Phase1File(phase1, "test"), new string('0', 64), [], null, null);
        var previous = transcript.InitialZkeySha256;
        var contributions = new List<CeremonyTranscript.Contribution>();
        for (var i = 0; i < signers.Length; i++)
        {
            var (sha, hash, name) = (new string((char)('1' + i), 64), new string((char)('b' + i), 128), $"Contributor {i + 1}");
            var statement = CeremonyTranscript.Contribution.Statement(transcript, i + 1, name, previous, sha, hash);
            contributions.Add(new(name, signers[i].GetPublicAddress(), $"{circuit}_{i + 1:D4}.zkey", previous, sha, hash, new EthereumMessageSigner().EncodeUTF8AndSign(statement, signers[i])));
            previous = sha;
        }
        return transcript with
        {
            Contributions = contributions,
            Beacon = new("00ff", "Bitcoin block 900000", KeyCeremony.BeaconIterationsExp, new string('f', 128), new string('9', 64)),
            Keys = new($"{circuit}.zkey", new string('9', 64), $"{circuit}.vkey.json", verificationKeySha256 ?? new string('8', 64), "SolvencyVerifier.sol"),
        };
    }
}
