using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Proving.Witness;
using Wasmtime;

namespace Aggregator.Proving;

/// <summary>
/// Runs a circom 2 witness calculator (the circuit's .wasm) in process with Wasmtime, speaking circom's
/// protocol: each input signal is addressed by the 64-bit FNV-1a hash of its name, its values written
/// as eight 32-bit little-endian words into the shared read/write memory and set with
/// <c>setInputSignal(hashHigh, hashLow, index)</c>; once every input is set the calculator has run, and
/// <c>getWitness(i)</c> puts witness value i into the shared memory. A failed <c>assert</c> (an input that
/// violates a constraint) arrives through the <c>runtime.exceptionHandler</c> import, with the message
/// the calculator wrote through <c>runtime.printErrorMessage</c>.
/// The module is compiled once per process (about 2 s) and its compiled form cached on disk; instances
/// are pooled, one per concurrent caller, and reused (circom's <c>init</c> resets them).
/// </summary>
public sealed class WitnessCalculator : IWitnessCalculator, IDisposable
{
    private const int FieldWords = 8;
    private static readonly Engine SharedEngine = new();

    private readonly Module _module;
    private readonly ConcurrentBag<Calculator> _idle = [];

    /// <summary>The circuit's name, used in every error.</summary>
    public string Circuit { get; }

    /// <summary>Number of witness values the circuit produces.</summary>
    public int WitnessSize { get; }

    /// <summary>Whether the compiled module came from the disk cache (false: compiled now).</summary>
    public bool FromCache { get; }

    /// <summary>Wasmtime, the .wasm file, and whether its compiled form came from the cache.</summary>
    public string Description { get; }

    private WitnessCalculator(string circuit, string wasmPath, Module module, bool fromCache)
    {
        Circuit = circuit;
        Description = $"circom's calculator {wasmPath} through Wasmtime ({(fromCache ? "compiled form from the cache" : "compiled now")})";
        _module = module;
        FromCache = fromCache;
        var first = new Calculator(this);
        WitnessSize = first.WitnessSize;
        _idle.Add(first);
    }

    /// <summary>
    /// Loads the circuit's witness calculator from <paramref name="wasmPath"/>, compiling it or reading its
    /// compiled form from <paramref name="cacheDirectory"/> (keyed by the .wasm's SHA-256 and Wasmtime's version).
    /// </summary>
    /// <exception cref="ProverUnavailableException">The file is missing or is not a circom 2 witness calculator over BN254.</exception>
    public static WitnessCalculator Load(string circuit, string wasmPath, string? cacheDirectory)
    {
        if (!File.Exists(wasmPath))
        {
            throw new ProverUnavailableException($"the witness calculator of {circuit} is missing: {wasmPath}");
        }
        var wasm = File.ReadAllBytes(wasmPath);
        var (module, fromCache) = CompiledModule(circuit, wasm, cacheDirectory);
        try
        {
            return new WitnessCalculator(circuit, wasmPath, module, fromCache);
        }
        catch (Exception error) when (error is WasmtimeException or InvalidOperationException)
        {
            module.Dispose();
            throw new ProverUnavailableException($"{wasmPath} is not a circom 2 witness calculator over BN254: {error.Message}");
        }
    }

    private static (Module Module, bool FromCache) CompiledModule(string circuit, byte[] wasm, string? cacheDirectory)
    {
        var versionTag = typeof(Engine).Assembly.GetName().Version?.ToString() ?? "unknown";
        var key = Convert.ToHexStringLower(SHA256.HashData([.. wasm, .. Encoding.UTF8.GetBytes(versionTag)]))[..32];
        // A cache others could write to would hand this process their machine code: then compile, and cache nothing.
        var cached = PrivateCache.PathFor(cacheDirectory, $"{circuit}-{key}.cwasm");
        // Wasmtime trusts what it deserializes (it is machine code): the cache's hash check means a
        // damaged or partial file is compiled again, never loaded.
        if (PrivateCache.Read(cached) is { } compiledForm)
        {
            try
            {
                return (Module.Deserialize(SharedEngine, circuit, compiledForm), true);
            }
            catch (WasmtimeException)
            {
                // Written by another Wasmtime build: compile again and replace it.
            }
        }
        Module module;
        try
        {
            module = Module.FromBytes(SharedEngine, circuit, wasm);
        }
        catch (WasmtimeException error)
        {
            throw new ProverUnavailableException($"the witness calculator of {circuit} is not valid WebAssembly: {error.Message}");
        }
        if (cached != null)
        {
            PrivateCache.Write(cached, module.Serialize());
        }
        return (module, false);
    }

    /// <summary>
    /// Computes the full witness (witness[0] = 1, then the public signals, then the rest) for
    /// <paramref name="input"/>: signal name to a decimal string, an integer, or (nested) arrays of them.
    /// </summary>
    /// <exception cref="InputException">An unknown signal, a wrong number of values, a value that is not an
    /// integer, a missing input, or inputs that violate a constraint of the circuit.</exception>
    public Fr[] Calculate(JsonObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!_idle.TryTake(out var calculator))
        {
            calculator = new Calculator(this);
        }
        Fr[] witness;
        try
        {
            witness = calculator.Calculate(input);
        }
        catch
        {
            // A run cut short (a trap) may leave the instance's memory half-written: never reuse it.
            calculator.Dispose();
            throw;
        }
        _idle.Add(calculator);
        return witness;
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var calculator))
        {
            calculator.Dispose();
        }
        _module.Dispose();
    }

    /// <summary>The FNV-1a 64-bit hash of a signal name (over UTF-16 code units, as circom's runtime hashes it).</summary>
    internal static ulong SignalHash(string name)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in name)
        {
            hash ^= c;
            hash *= 0x100000001B3UL;
        }
        return hash;
    }

    /// <summary>One instance of the module with its own store; not thread-safe, so pooled.</summary>
    private sealed class Calculator : IDisposable
    {
        private readonly WitnessCalculator _owner;
        private readonly Store _store;
        private readonly Memory _memory;
        private readonly Action<int> _init, _getWitness;
        private readonly Func<int, int, int> _inputSignalSize;
        private readonly Action<int, int, int> _setInputSignal;
        private readonly Func<int> _inputSize, _messageChar;
        private readonly int _sharedMemory; // byte address of the shared read/write memory
        private readonly StringBuilder _error = new();

        public int WitnessSize { get; }

        public Calculator(WitnessCalculator owner)
        {
            _owner = owner;
            _store = new Store(SharedEngine);
            using var linker = new Linker(SharedEngine);
            linker.DefineFunction("runtime", "exceptionHandler", (int code) => throw new WitnessFailure(code));
            linker.DefineFunction("runtime", "printErrorMessage", () => { _error.Append(ReadMessage()).Append(' '); });
            linker.DefineFunction("runtime", "writeBufferMessage", () => { ReadMessage(); }); // circuit log(): not ours to print
            linker.DefineFunction("runtime", "showSharedRWMemory", () => { });
            var instance = linker.Instantiate(_store, owner._module);
            _memory = instance.GetMemory("memory") ?? throw new InvalidOperationException("no exported memory");
            T Export<T>(T? function, string name) where T : class => function ?? throw new InvalidOperationException($"no export {name}");
            _messageChar = Export(instance.GetFunction<int>("getMessageChar"), "getMessageChar");
            _init = Export(instance.GetAction<int>("init"), "init");
            _getWitness = Export(instance.GetAction<int>("getWitness"), "getWitness");
            _inputSignalSize = Export(instance.GetFunction<int, int, int>("getInputSignalSize"), "getInputSignalSize");
            _setInputSignal = Export(instance.GetAction<int, int, int>("setInputSignal"), "setInputSignal");
            _inputSize = Export(instance.GetFunction<int>("getInputSize"), "getInputSize");
            var version = Export(instance.GetFunction<int>("getVersion"), "getVersion")();
            if (version != 2)
            {
                throw new InvalidOperationException($"circom version {version}, not 2");
            }
            if (Export(instance.GetFunction<int>("getFieldNumLen32"), "getFieldNumLen32")() != FieldWords)
            {
                throw new InvalidOperationException("the field is not 256 bits");
            }
            _sharedMemory = Export(instance.GetFunction<int>("getSharedRWMemoryStart"), "getSharedRWMemoryStart")();
            Export(instance.GetAction("getRawPrime"), "getRawPrime")();
            if (ReadShared().ToBigInteger() != Fr.Modulus)
            {
                throw new InvalidOperationException("the prime is not BN254's r");
            }
            WitnessSize = Export(instance.GetFunction<int>("getWitnessSize"), "getWitnessSize")();
        }

        public Fr[] Calculate(JsonObject input)
        {
            _error.Clear();
            try
            {
                _init(0);
                var set = 0;
                foreach (var (name, value) in input)
                {
                    var values = CircuitInput.Values(_owner.Circuit, name, value);
                    var hash = SignalHash(name);
                    var high = (int)(hash >> 32);
                    var low = (int)hash;
                    var size = _inputSignalSize(high, low);
                    if (size <= 0)
                    {
                        throw Input($"'{name}' is not an input signal", name);
                    }
                    if (values.Count != size)
                    {
                        throw Input($"'{name}' takes {size} values, not {values.Count}", name);
                    }
                    for (var i = 0; i < values.Count; i++)
                    {
                        WriteShared(values[i]);
                        _setInputSignal(high, low, i);
                        set++;
                    }
                }
                var expected = _inputSize();
                if (set < expected)
                {
                    throw Input($"only {set} of the circuit's {expected} input values are set", null);
                }
                var witness = new Fr[WitnessSize];
                for (var i = 0; i < witness.Length; i++)
                {
                    _getWitness(i);
                    var value = ReadShared();
                    witness[i] = Fr.FromCanonicalLimbs(value.L0, value.L1, value.L2, value.L3);
                }
                return witness;
            }
            catch (Exception error) when (error is WasmtimeException or WitnessFailure)
            {
                var failure = error as WitnessFailure ?? error.InnerException as WitnessFailure;
                var reason = failure?.Code switch
                {
                    4 => "the inputs violate a constraint",
                    1 => "an input signal is unknown",
                    2 => "too many input values",
                    3 => "an input value is set twice",
                    5 => "the calculator ran out of memory",
                    6 => "an input index is out of range",
                    _ => "the witness calculator failed",
                };
                var detail = _error.ToString().Trim();
                throw new InputException($"circuit {_owner.Circuit}: {reason}{(detail.Length > 0 ? $" ({detail})" : "")}", field: "input", inner: error);
            }
        }

        private InputException Input(string problem, string? signal) => CircuitInput.Error(_owner.Circuit, problem, signal);

        private void WriteShared(BigInteger value)
        {
            var span = _memory.GetSpan(_sharedMemory, FieldWords * 4);
            span.Clear();
            CircuitInput.Reduce(value).TryWriteBytes(span, out _, isUnsigned: true, isBigEndian: false);
        }

        private Limbs ReadShared()
        {
            var span = _memory.GetSpan(_sharedMemory, FieldWords * 4);
            return new Limbs(
                BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(span[16..]), BinaryPrimitives.ReadUInt64LittleEndian(span[24..]));
        }

        private string ReadMessage()
        {
            var message = new StringBuilder();
            for (var c = _messageChar(); c != 0 && message.Length < 4096; c = _messageChar())
            {
                message.Append((char)c);
            }
            return message.ToString();
        }

        public void Dispose() => _store.Dispose();
    }

    /// <summary>Raised from the exceptionHandler import; Wasmtime turns it into a trap of the running call.</summary>
    private sealed class WitnessFailure(int code) : Exception($"circom runtime error {code}")
    {
        public int Code { get; } = code;
    }
}
