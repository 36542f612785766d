using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Crypto.Groth16;

namespace Aggregator.Proving;

/// <summary>
/// Proves with snarkjs (Groth16) through Node: writes the witness inputs, runs circuits/scripts/prove.mjs
/// with the circuit's witness generator and proving key from circuits/keys, and reads the proof back.
/// </summary>
public sealed class SnarkjsProver : IProver
{
    private readonly string _circuitsDirectory;
    private readonly string _node;
    private readonly string _workRoot;

    /// <param name="circuitsDirectory">The repository's circuits/ folder (keys/, scripts/, node_modules/).</param>
    /// <param name="node">The Node executable; "node" finds it on PATH.</param>
    /// <param name="workRoot">Where each proof's temporary folder is made; the system's temporary folder by default.</param>
    public SnarkjsProver(string circuitsDirectory, string node = "node", string? workRoot = null)
    {
        _circuitsDirectory = Path.GetFullPath(circuitsDirectory);
        _node = node;
        _workRoot = workRoot ?? Path.GetTempPath();
    }

    /// <summary>Finds circuits/ from AGGREGATOR_CIRCUITS, else upward from the working and program directories.</summary>
    public static string LocateCircuits()
    {
        var configured = Environment.GetEnvironmentVariable("AGGREGATOR_CIRCUITS");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "circuits");
                if (File.Exists(Path.Combine(candidate, "scripts", "prove.mjs")))
                {
                    return candidate;
                }
            }
        }
        throw new ProverUnavailableException("cannot find the circuits/ folder: run from the repository or set AGGREGATOR_CIRCUITS");
    }

    public async Task<SnarkjsProof> ProveAsync(string circuit, JsonObject input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var wasm = Path.Combine(_circuitsDirectory, "keys", $"{circuit}.wasm");
        var zkey = Path.Combine(_circuitsDirectory, "keys", $"{circuit}.zkey");
        if (!File.Exists(wasm) || !File.Exists(zkey))
        {
            throw new ProverUnavailableException($"no keys for circuit {circuit} in {Path.Combine(_circuitsDirectory, "keys")}: run `bash circuits/scripts/setup.sh`");
        }
        if (!Directory.Exists(Path.Combine(_circuitsDirectory, "node_modules", "snarkjs")))
        {
            throw new ProverUnavailableException($"snarkjs is not installed: run `npm ci` in {_circuitsDirectory}");
        }

        var work = Directory.CreateDirectory(Path.Combine(_workRoot, $"aggregator-prove-{Guid.NewGuid():N}")).FullName;
        try
        {
            var inputPath = Path.Combine(work, "input.json");
            var proofPath = Path.Combine(work, "proof.json");
            var publicPath = Path.Combine(work, "public.json");
            await File.WriteAllTextAsync(inputPath, input.ToJsonString(), cancellationToken).ConfigureAwait(false);
            var run = await NodeScript.RunAsync(_node, Path.Combine(_circuitsDirectory, "scripts", "prove.mjs"), [wasm, zkey, inputPath, proofPath, publicPath], cancellationToken).ConfigureAwait(false);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"snarkjs could not prove {circuit}: {run.Error.Trim()}");
            }
            var proof = JsonNode.Parse(await File.ReadAllTextAsync(proofPath, cancellationToken).ConfigureAwait(false))!.AsObject();
            var signals = JsonSerializer.Deserialize<string[]>(await File.ReadAllTextAsync(publicPath, cancellationToken).ConfigureAwait(false))!;
            return new SnarkjsProof(proof, signals);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
