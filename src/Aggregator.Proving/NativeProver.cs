using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Groth16;

namespace Aggregator.Proving;

/// <summary>
/// Proves in process, without Node: the witness from the circuit's .wasm through Wasmtime
/// (<see cref="WitnessCalculator"/>), the proof from its .zkey in C# (<see cref="Groth16Prover"/>).
/// Each circuit's calculator and proving key are loaded once, on first use, and kept. A proving key is
/// accepted only when its verification part (α, β, γ, δ, IC) equals the pinned verification key, and every
/// proof is verified with that key before it is returned, so no invalid proof ever leaves this class.
/// </summary>
public sealed class NativeProver : IProver, IDisposable
{
    private readonly ProvingKeys _keys;
    private readonly VerificationKeys _verificationKeys;
    private readonly string? _cacheDirectory;
    private readonly ConcurrentDictionary<string, Lazy<CircuitProver>> _circuits = new(StringComparer.Ordinal);

    /// <param name="keys">Where the .wasm and .zkey files are.</param>
    /// <param name="verificationKeys">The pinned keys the proving keys must match; those installed with the program by default.</param>
    /// <param name="cacheDirectory">Where compiled witness calculators are cached; <see cref="DefaultCacheDirectory"/> by default, null for none.</param>
    public NativeProver(ProvingKeys keys, VerificationKeys? verificationKeys = null, string? cacheDirectory = "")
    {
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _verificationKeys = verificationKeys ?? VerificationKeys.Installed();
        _cacheDirectory = cacheDirectory == "" ? DefaultCacheDirectory() : cacheDirectory;
    }

    /// <summary>$AGGREGATOR_CACHE, else $XDG_CACHE_HOME/aggregator, else ~/.cache/aggregator.</summary>
    public static string DefaultCacheDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("AGGREGATOR_CACHE");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "aggregator");
    }

    /// <summary>Where the keys come from, for the output.</summary>
    public ProvingKeys Keys => _keys;

    public Task<Groth16Proof> ProveAsync(string circuit, JsonObject input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Task.Run(() => Prove(circuit, input), cancellationToken);
    }

    /// <summary>Proves on the calling thread (the MSMs still use every core).</summary>
    public Groth16Proof Prove(string circuit, JsonObject input) => Circuit(circuit).Prove(input);

    /// <summary>Loads a circuit's calculator and key now (they are otherwise loaded by the first proof).</summary>
    public void Load(string circuit) => Circuit(circuit);

    internal CircuitProver Circuit(string circuit) =>
        _circuits.GetOrAdd(circuit, name => new Lazy<CircuitProver>(() => CircuitProver.Load(name, _keys, _verificationKeys, _cacheDirectory))).Value;

    public void Dispose()
    {
        foreach (var circuit in _circuits.Values.Where(c => c.IsValueCreated))
        {
            circuit.Value.Calculator.Dispose();
        }
    }

    /// <summary>One circuit's loaded parts.</summary>
    internal sealed class CircuitProver(string circuit, WitnessCalculator calculator, Groth16Prover prover, VerificationKey verificationKey)
    {
        public WitnessCalculator Calculator => calculator;

        public Groth16Prover Prover => prover;

        public static CircuitProver Load(string circuit, ProvingKeys keys, VerificationKeys verificationKeys, string? cacheDirectory)
        {
            var verificationKey = verificationKeys.Load(circuit);
            var zkeyPath = keys.ZkeyPath(circuit);
            if (!File.Exists(zkeyPath))
            {
                throw new ProverUnavailableException($"the proving key of {circuit} is missing: {zkeyPath} ({keys.Source})");
            }
            ProvingKey key;
            try
            {
                key = ProvingKey.Read(File.ReadAllBytes(zkeyPath), zkeyPath);
                key.CheckMatches(verificationKey.Json);
            }
            catch (ProofFormatException error)
            {
                throw new InputException(error.Message, file: zkeyPath);
            }
            var calculator = WitnessCalculator.Load(circuit, keys.WasmPath(circuit), cacheDirectory);
            if (calculator.WitnessSize != key.VariableCount)
            {
                calculator.Dispose();
                throw new InputException($"the witness calculator of {circuit} produces {calculator.WitnessSize} values but its proving key takes {key.VariableCount}: they belong to different circuits", file: keys.WasmPath(circuit));
            }
            return new CircuitProver(circuit, calculator, new Groth16Prover(key), verificationKey);
        }

        public Groth16Proof Prove(JsonObject input)
        {
            var witness = calculator.Calculate(input);
            var proof = prover.Prove(witness);
            var check = verificationKey.Verifier.Verify(proof.Proof.ToJsonString(), proof.PublicSignals);
            if (!check.IsValid)
            {
                throw new InvalidOperationException($"the native proof of {circuit} does not verify with the pinned key ({check.Reason}): the proving key does not belong to it");
            }
            return proof;
        }
    }
}
