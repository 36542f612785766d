using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Groth16;
using Aggregator.Crypto.Prover;
using Aggregator.Crypto.Prover.Lanes;
using Aggregator.Crypto.Prover.Msm;

namespace Aggregator.Proving;

/// <summary>
/// Proves in process, without Node: the witness computed natively for our own circuits
/// (<see cref="Witness.NativeWitnessCalculator"/>, laid out by the circuit's .sym), else from the circuit's
/// .wasm through Wasmtime (<see cref="WitnessCalculator"/>); the proof from its .zkey in C#
/// (<see cref="Groth16Prover"/>).
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

    public Task<SnarkjsProof> ProveAsync(string circuit, JsonObject input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Task.Run(() => Prove(circuit, input), cancellationToken);
    }

    /// <summary>Proves on the calling thread (the MSMs still use every core).</summary>
    public SnarkjsProof Prove(string circuit, JsonObject input) => Circuit(circuit).Prove(input);

    /// <summary>Loads a circuit's calculator and key now (they are otherwise loaded by the first proof).</summary>
    public void Load(string circuit) => Circuit(circuit);

    /// <summary>
    /// Builds a circuit's window multiples (Groth16Prover.PrecomputeBases), loading it first if need be:
    /// its proofs after this take 15 to 35% less time, for some seconds of both cores now and the memory
    /// returned, in bytes. For a prover that stays up or proves many accounts.
    /// </summary>
    public long PrecomputeBases(string circuit, CancellationToken cancellationToken = default)
    {
        var prover = Circuit(circuit).Prover;
        prover.PrecomputeBases(cancellationToken);
        return prover.PrecomputedBytes;
    }

    /// <summary>How a circuit's witness is computed (loading the circuit if it is not yet), for the output.</summary>
    public string WitnessSource(string circuit) => Circuit(circuit).WitnessSource;

    /// <summary>How the witness of each circuit loaded so far is computed, for the output.</summary>
    public IEnumerable<(string Circuit, string Source)> WitnessSources =>
        _circuits.Where(c => c.Value.IsValueCreated).Select(c => (c.Key, c.Value.Value.WitnessSource)).OrderBy(c => c.Key, StringComparer.Ordinal);

    internal CircuitProver Circuit(string circuit) =>
        _circuits.GetOrAdd(circuit, name => new Lazy<CircuitProver>(() => CircuitProver.Load(name, _keys, _verificationKeys, _cacheDirectory))).Value;

    public void Dispose()
    {
        foreach (var circuit in _circuits.Values.Where(c => c.IsValueCreated))
        {
            (circuit.Value.Calculator as IDisposable)?.Dispose();
        }
    }

    /// <summary>One circuit's loaded parts.</summary>
    internal sealed class CircuitProver(string circuit, IWitnessCalculator calculator, string witnessSource, Groth16Prover prover, VerificationKey verificationKey)
    {
        public IWitnessCalculator Calculator => calculator;

        /// <summary>How the witness is computed, and why not natively when it is not.</summary>
        public string WitnessSource => witnessSource;

        public Groth16Prover Prover => prover;

        public static CircuitProver Load(string circuit, ProvingKeys keys, VerificationKeys verificationKeys, string? cacheDirectory)
        {
            var verificationKey = verificationKeys.Load(circuit);
            var zkeyPath = keys.ZkeyPath(circuit);
            if (!File.Exists(zkeyPath))
            {
                throw new ProverUnavailableException($"the proving key of {circuit} is missing: {zkeyPath} ({keys.Source})");
            }
            // The key (21 MB read and parsed) and the witness's layout (the symbol file) are independent:
            // read both at once, which a one-shot command waits for.
            ProvingKey? key = null;
            Groth16Prover? prover = null;
            (IWitnessCalculator Calculator, string Source)? witness = null;
            Exception? keyFault = null, witnessFault = null;
            Parallel.Invoke(
                () =>
                {
                    try
                    {
                        // The key's points are used where they are mapped: the mapping is the key's, and stays
                        // (a process loads a circuit's key once; the pages are the file's, shared, not copied).
                        var zkey = new MappedFile(zkeyPath);
                        try
                        {
                            key = ProvingKey.Read(zkey.Memory, zkeyPath);
                            key.CheckMatches(verificationKey.Key);
                            prover = new Groth16Prover(key);
                        }
                        catch
                        {
                            ((IDisposable)zkey).Dispose();
                            throw;
                        }
                    }
                    catch (Exception fault)
                    {
                        keyFault = fault is ProofFormatException format ? new InputException(format.Message, file: zkeyPath) : fault;
                    }
                },
                () =>
                {
                    try
                    {
                        witness = WitnessCalculatorFor(circuit, keys, cacheDirectory);
                    }
                    catch (Exception fault)
                    {
                        witnessFault = fault;
                    }
                });
            if (keyFault is not null || witnessFault is not null)
            {
                (witness?.Calculator as IDisposable)?.Dispose();
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(keyFault ?? witnessFault!);
            }
            var (calculator, source) = witness!.Value;
            if (calculator.WitnessSize != key!.VariableCount)
            {
                (calculator as IDisposable)?.Dispose();
                throw new InputException($"the witness calculator of {circuit} produces {calculator.WitnessSize} values but its proving key takes {key.VariableCount}: they belong to different circuits ({calculator.Description})", file: keys.ZkeyPath(circuit));
            }
            // What the load leaves (the symbol file, the names it matched: tens of MB) is garbage now.
            // Collected before the first proof, its memory serves that proof's arrays: a one-shot command
            // then faults in 20 MB less fresh memory, about 50 ms here (bench/RESULTS.md). Once per circuit.
            GC.Collect();
            return new CircuitProver(circuit, calculator, source, prover!, verificationKey);
        }

        // The native templates where the circuit has them and its .sym matches them; else circom's .wasm.
        private static (IWitnessCalculator Calculator, string Source) WitnessCalculatorFor(string circuit, ProvingKeys keys, string? cacheDirectory)
        {
            string? notNative = null;
            try
            {
                if (Witness.NativeWitnessCalculator.TryLoad(circuit, keys.SymbolsPath(circuit), cacheDirectory) is { } native)
                {
                    return (native, native.Description);
                }
            }
            catch (ProverUnavailableException error)
            {
                notNative = error.Message;
            }
            if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            {
                // Compiled ahead of time (aggregator-prove): Wasmtime's bindings generate code at run time,
                // so the engine is left out of the build, and only native templates can compute a witness.
                throw new ProverUnavailableException($"the witness of {circuit} has no native templates here ({notNative ?? "none for this circuit"}), and this build has no Wasm engine: prove with `aggregator prove`");
            }
            var wasm = WitnessCalculator.Load(circuit, keys.WasmPath(circuit), cacheDirectory);
            return (wasm, notNative is null ? wasm.Description : $"{wasm.Description}; not natively: {notNative}");
        }

        public SnarkjsProof Prove(JsonObject input)
        {
            var witness = calculator.Calculate(input);
            var proof = prover.Prove(witness);
            var signals = witness.AsSpan(1, prover.Key.PublicCount);
            var check = verificationKey.Verifier.Verify(proof, signals);
            if (!check.IsValid)
            {
                throw new InvalidOperationException($"the native proof of {circuit} does not verify with the pinned key ({check.Reason}): the proving key does not belong to it");
            }
            return new SnarkjsProof(SnarkjsJson.Write(proof), [.. signals.ToArray().Select(s => s.ToString())]);
        }
    }
}
