namespace Aggregator.Proving;

/// <summary>
/// Where the native prover finds each circuit's symbol file (CIRCUIT.sym, for the native witness), witness
/// calculator (CIRCUIT.wasm, where there is no native one) and proving key (CIRCUIT.zkey): <c>keys/</c> next to the program (every build and publish of a project that proves
/// carries them), or a directory given explicitly. The proving key is not trusted for that: it must
/// match the pinned verification key (<see cref="NativeProver"/>).
/// </summary>
public sealed class ProvingKeys
{
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

    /// <summary>How the output names it.</summary>
    public string Describe() => $"{Directory} ({Source})";
}
