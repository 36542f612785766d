using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Errors;
using Aggregator.Core.Files;
using Nethereum.Signer;

namespace Aggregator.Proving.Ceremony;

/// <summary>
/// The record of one circuit's phase-2 ceremony (<c>transcript.json</c>, format <c>aggregator-ceremony/1</c>,
/// docs/proofs.md "Keys from a ceremony"): the circuit and phase 1 it starts from, every contribution in
/// order with its contributor's name, signing address and EIP-191 signature of
/// <see cref="Contribution.Statement"/>, the beacon, and the keys it ended with. Published with the keys.
/// </summary>
public sealed record CeremonyTranscript(
    string Format, string Circuit, string R1csSha256, CeremonyTranscript.Phase1File Phase1, string InitialZkeySha256,
    IReadOnlyList<CeremonyTranscript.Contribution> Contributions, CeremonyTranscript.BeaconEntry? Beacon, CeremonyTranscript.FinalKeys? Keys)
{
    public const string CurrentFormat = "aggregator-ceremony/1";

    public const string FileName = "transcript.json";

    /// <summary>The phase-1 file by SHA-256, and what it is.</summary>
    public sealed record Phase1File(string Sha256, string Source);

    /// <summary>One contribution: who, from which key, from which zkey to which, and snarkjs's hash of it.</summary>
    public sealed record Contribution(string Name, string Signer, string Zkey, string PreviousSha256, string ZkeySha256, string ContributionHash, string Signature)
    {
        /// <summary>What the contributor signs (EIP-191 personal_sign), one field per line.</summary>
        public static string Statement(CeremonyTranscript transcript, int number, string name, string previousSha256, string zkeySha256, string contributionHash)
        {
            ArgumentNullException.ThrowIfNull(transcript);
            return string.Create(CultureInfo.InvariantCulture,
                $"Aggregator key ceremony contribution\ncircuit: {transcript.Circuit}\nr1cs sha256: {transcript.R1csSha256}\nphase 1 sha256: {transcript.Phase1.Sha256}\ncontribution: {number}\nname: {name}\nprevious zkey sha256: {previousSha256}\nzkey sha256: {zkeySha256}\ncontribution hash: {contributionHash}");
        }

        /// <summary>Whether <see cref="Signature"/> is <see cref="Signer"/>'s over this contribution's statement.</summary>
        public bool IsSignedBySigner(CeremonyTranscript transcript, int number)
        {
            try
            {
                var recovered = new EthereumMessageSigner().EncodeUTF8AndEcRecover(Statement(transcript, number, Name, PreviousSha256, ZkeySha256, ContributionHash), Signature);
                return string.Equals(recovered, Signer, StringComparison.OrdinalIgnoreCase);
            }
            catch (Exception error) when (error is FormatException or ArgumentException or IndexOutOfRangeException or Org.BouncyCastle.Crypto.CryptoException)
            {
                return false;
            }
        }
    }

    /// <summary>The beacon applied last: its value, where it came from, 2^IterationsExp hash iterations.</summary>
    public sealed record BeaconEntry(string Hex, string Source, int IterationsExp, string ContributionHash, string ZkeySha256);

    /// <summary>What the ceremony produced: the final proving key, its verification key, the Solidity verifier.</summary>
    public sealed record FinalKeys(string Zkey, string ZkeySha256, string VerificationKey, string VerificationKeySha256, string Verifier);

    /// <summary>The zkey the next contribution starts from.</summary>
    public string LatestZkeySha256 => Contributions.Count == 0 ? InitialZkeySha256 : Contributions[^1].ZkeySha256;

    /// <exception cref="InputException">A missing or malformed transcript.</exception>
    public static CeremonyTranscript Read(string directory) => ReadFile(Path.Combine(directory, FileName));

    /// <exception cref="InputException">A missing or malformed transcript.</exception>
    public static CeremonyTranscript ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("no ceremony transcript here: start one with `aggregator ceremony init`", file: path);
        }
        CeremonyTranscript? transcript;
        try
        {
            transcript = JsonSerializer.Deserialize(File.ReadAllText(path), TranscriptJson.Default.CeremonyTranscript);
        }
        catch (JsonException error)
        {
            throw new InputException($"not a ceremony transcript: {error.Message}", file: path);
        }
        if (transcript is null || transcript.Format != CurrentFormat || transcript.Contributions is null || transcript.Phase1 is null
            || transcript.Contributions.Any(c => c is null))
        {
            throw new InputException($"not a ceremony transcript of format {CurrentFormat}", file: path);
        }
        // The files it names are in the ceremony's directory: a path elsewhere is never read or compared.
        string?[] named = [.. transcript.Contributions.Select(c => c.Zkey), transcript.Keys?.Zkey, transcript.Keys?.VerificationKey, transcript.Keys?.Verifier];
        if (named.FirstOrDefault(n => n is not null && (n.Length == 0 || Path.GetFileName(n) != n || n is "." or "..")) is { } outside)
        {
            throw new InputException($"the transcript names '{outside}', which is not a file of the ceremony's directory", file: path);
        }
        return transcript;
    }

    /// <summary>Writes the transcript whole (write, then rename).</summary>
    public void Write(string directory) => SafeFile.WriteAtomically(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, TranscriptJson.Default.CeremonyTranscript) + "\n");
}

/// <summary>The transcript's JSON (camelCase, indented, nulls written), generated at build time for the ahead-of-time verifier.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CeremonyTranscript))]
internal sealed partial class TranscriptJson : JsonSerializerContext;
