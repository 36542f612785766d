using System.Security.Cryptography;
using Aggregator.Crypto.Prover;

namespace Aggregator.Proving;

/// <summary>
/// Where the native prover finds each circuit's symbol file (CIRCUIT.sym, for the native witness), witness
/// calculator (CIRCUIT.wasm, where there is no native one) and proving key (CIRCUIT.zkey): <c>keys/</c> next to the program (every build and publish of a project that proves
/// carries them), or a directory given explicitly. The proving key is not trusted for that: it must
/// match the pinned verification key (<see cref="NativeProver"/>).
/// </summary>
public sealed class ProvingKeys
{
    /// <summary>
    /// SHA-256 of each circuit's proving key as committed (circuits/keys/manifest.json's zkeySha256; a test
    /// holds them equal). A key with its pinned hash is read without checking its points one by one
    /// (<see cref="ProvingKey.ReadPinned"/>); any other key, e.g. from a ceremony not yet pinned here, is
    /// checked point by point. Either must still match the pinned verification key.
    /// </summary>
    private static readonly Dictionary<string, string> Pinned = new(StringComparer.Ordinal)
    {
        ["collateral_20_4"] = "506f442b76d5dacbd5eafd20a7cc1a811f867550174f62e19de1606f13964ac5",
        ["inclusion_20_4"] = "cf2815f39554d1b662c39e4363ee8760a70ab870700caef0d342cc398f54a357",
        ["solvency_4"] = "98d672fd3152c3a7c9defc338e97612a92c6ac00218db60c77cf58adaf112d37",
    };

    private ProvingKeys(string directory, string source)
    {
        Directory = directory;
        Source = source;
    }

    /// <summary>The folder holding the files.</summary>
    public string Directory { get; }

    /// <summary>How the folder was chosen, for the output.</summary>
    public string Source { get; }

    /// <summary>The keys installed with the program: <c>keys/</c> in its own folder.</summary>
    public static ProvingKeys Installed() => new(Path.Combine(AppContext.BaseDirectory, "keys"), "installed with aggregator");

    /// <summary>Keys in a directory given explicitly.</summary>
    public static ProvingKeys At(string directory, string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return new(Path.GetFullPath(directory), source);
    }

    /// <summary><paramref name="directory"/> when given, else $AGGREGATOR_KEYS, else the installed keys.</summary>
    public static ProvingKeys Locate(string? directory)
    {
        if (!string.IsNullOrEmpty(directory))
        {
            return At(directory, "given with --keys");
        }
        var configured = Environment.GetEnvironmentVariable("AGGREGATOR_KEYS");
        return string.IsNullOrEmpty(configured) ? Installed() : At(configured, "from AGGREGATOR_KEYS");
    }

    public string WasmPath(string circuit) => Path.Combine(Directory, circuit + ".wasm");

    /// <summary>circom's symbol file, which lays out the native witness (<see cref="Witness.NativeWitnessCalculator"/>).</summary>
    public string SymbolsPath(string circuit) => Path.Combine(Directory, circuit + ".sym");

    public string ZkeyPath(string circuit) => Path.Combine(Directory, circuit + ".zkey");

    /// <summary>The pinned SHA-256 of a circuit's proving key (lower-case hex), or null for a circuit not pinned.</summary>
    public static string? PinnedZkeySha256(string circuit) => Pinned.GetValueOrDefault(circuit);

    /// <summary>
    /// Reads a circuit's proving key from its bytes: by its pinned hash when the bytes have it (about 20 ms
    /// of SHA-256 instead of every point checked on its curve), else point by point.
    /// </summary>
    /// <exception cref="Crypto.Groth16.ProofFormatException">Not a Groth16 BN254 zkey, truncated, or (unpinned) holding an invalid point.</exception>
    public static ProvingKey Read(string circuit, byte[] zkey, string path)
    {
        ArgumentNullException.ThrowIfNull(zkey);
        return Pinned.TryGetValue(circuit, out var pinned) && Convert.ToHexStringLower(SHA256.HashData(zkey)) == pinned
            ? ProvingKey.ReadPinned(zkey, path)
            : ProvingKey.Read(zkey, path);
    }

    /// <summary>How the output names it.</summary>
    public string Describe() => $"{Directory} ({Source})";
}
