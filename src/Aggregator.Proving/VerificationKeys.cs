using System.Security.Cryptography;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Groth16;

namespace Aggregator.Proving;

/// <summary>
/// The verification keys a verifier trusts: a fixed set of circuits, each key's SHA-256 pinned here and
/// checked on load. Keys are read only from the installation (<c>keys/</c> next to the program, where the
/// build copies circuits/keys/*.vkey.json) or from a directory given explicitly, never located from a
/// proof file or the working directory: a key with known trapdoors would verify anything.
/// </summary>
public sealed class VerificationKeys
{
    /// <summary>
    /// SHA-256 of each circuit's verification_key.json. New circuits or a new setup change them: update
    /// these with the keys (a test compares them with circuits/keys).
    /// </summary>
    private static readonly Dictionary<string, string> Pinned = new(StringComparer.Ordinal)
    {
        ["collateral_20_4"] = "5edfed442b44b64a6b83e754b050b8a036e61141edccf1242d84d37cefae1aeb",
        ["inclusion_20_4"] = "c88b6bc18e763df2a1bb36de8efdbac34bd19930676067b71d1a585e4938ff31",
        ["solvency_4"] = "01abaff75978f245ad2878a6271184680b6f1f1da3e7210898cef348a1fd1419",
    };

    private VerificationKeys(string directory, string source)
    {
        Directory = directory;
        Source = source;
    }

    /// <summary>Where the keys are read from.</summary>
    public string Directory { get; }

    /// <summary>How that folder was chosen, for the output.</summary>
    public string Source { get; }

    /// <summary>The circuits whose keys are pinned.</summary>
    public static IReadOnlyCollection<string> Circuits => Pinned.Keys;

    /// <summary>The keys installed with the program: <c>keys/</c> in its own folder.</summary>
    public static VerificationKeys Installed() => new(Path.Combine(AppContext.BaseDirectory, "keys"), "installed with aggregator");

    /// <summary>The keys in <paramref name="directory"/> when one is given, else those installed with the program.</summary>
    public static VerificationKeys Locate(string? directory) => directory is null ? Installed() : At(directory);

    /// <summary>Keys in a directory given explicitly (they must still match the pins).</summary>
    public static VerificationKeys At(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return new(Path.GetFullPath(directory), "given with --keys");
    }

    /// <summary>The pinned SHA-256 of a circuit's key (lower-case hex), or null for a circuit not pinned.</summary>
    public static string? PinnedSha256(string circuit) => Pinned.GetValueOrDefault(circuit);

    /// <summary>Loads a circuit's key, refusing a circuit that is not pinned and a key whose hash differs.</summary>
    /// <exception cref="InputException">Unknown circuit, missing key, or a key that is not the pinned one.</exception>
    public VerificationKey Load(string circuit)
    {
        if (!Pinned.TryGetValue(circuit, out var pinned))
        {
            throw new InputException($"no pinned verification key for circuit '{circuit}' (known: {string.Join(", ", Pinned.Keys)})", field: "circuit");
        }
        var path = Path.Combine(Directory, circuit + ".vkey.json");
        if (!File.Exists(path))
        {
            throw new InputException($"the verification key of {circuit} is missing ({Source})", file: path);
        }
        var bytes = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != pinned)
        {
            throw new InputException($"the verification key of {circuit} has SHA-256 {actual}, not the pinned {pinned}: refusing it", file: path);
        }
        try
        {
            var key = SnarkjsJson.ReadVerifyingKey(System.Text.Encoding.UTF8.GetString(bytes));
            // Verifications from the CLI and the services may take the second core (docs/proofs.md).
            return new VerificationKey(circuit, path, actual, new Groth16Verifier(key, parallel: true), key);
        }
        catch (ProofFormatException error)
        {
            throw new InputException(error.Message, file: path);
        }
    }
}
