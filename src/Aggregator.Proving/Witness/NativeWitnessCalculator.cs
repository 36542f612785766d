using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Crypto.Field;

namespace Aggregator.Proving.Witness;

/// <summary>
/// The witness of inclusion_D_K and solvency_K computed by the native templates (<see cref="CircuitTemplates"/>)
/// instead of circom's calculator: about ten times faster, no WebAssembly to compile. Where each signal
/// goes comes from the circuit's symbol file (CIRCUIT.sym, written by circom with the keys): one line
/// per signal, <c>signal,witness,component,name</c>, witness −1 for a signal the compiler dropped. At
/// load, one recording run checks that every name the templates emit is in that file and that they
/// produce every witness value; otherwise the templates do not match the circuit and this calculator is
/// not used. Tests hold it to Wasmtime and to snarkjs element for element.
/// </summary>
internal sealed class NativeWitnessCalculator : IWitnessCalculator
{
    private readonly NativeCircuit _template;
    private readonly int[] _slots;

    private NativeWitnessCalculator(string circuit, string symbolsPath, NativeCircuit template, int[] slots, int witnessSize)
    {
        Circuit = circuit;
        Description = $"native templates, laid out by {symbolsPath}";
        _template = template;
        _slots = slots;
        WitnessSize = witnessSize;
    }

    public string Circuit { get; }

    public int WitnessSize { get; }

    public string Description { get; }

    /// <summary>
    /// The native calculator of <paramref name="circuit"/>, or null when it has no native template or no
    /// symbol file.
    /// </summary>
    /// <exception cref="ProverUnavailableException">The symbol file is malformed or does not match the templates.</exception>
    public static NativeWitnessCalculator? TryLoad(string circuit, string symbolsPath)
    {
        var template = NativeCircuit.For(circuit);
        if (template is null || !File.Exists(symbolsPath))
        {
            return null;
        }
        // The file is read on one core while the templates record their names on the other (each about half the load).
        var recording = WitnessTrace.Recording();
        Dictionary<string, int> witnessIndex = [];
        try
        {
            Parallel.Invoke(
                () => witnessIndex = ReadSymbols(symbolsPath),
                () => template.Run(recording, signal => new Fr[template.Inputs.Single(i => i.Signal == signal).Size]));
        }
        catch (AggregateException error) when (error.InnerException is ProverUnavailableException or IOException)
        {
            throw error.InnerException is ProverUnavailableException unavailable ? unavailable : new ProverUnavailableException($"{symbolsPath} cannot be read: {error.InnerException.Message}");
        }
        var witnessSize = witnessIndex.Count == 0 ? 1 : witnessIndex.Values.Max() + 1;
        var slots = new int[recording.Names.Count];
        var produced = new bool[witnessSize];
        produced[0] = true; // the constant 1
        for (var k = 0; k < slots.Length; k++)
        {
            var name = recording.Names[k];
            if (!witnessIndex.TryGetValue(name, out var slot))
            {
                throw new ProverUnavailableException($"the native witness of {circuit} emits {name}, which {symbolsPath} does not list: the templates do not match the circuit");
            }
            slots[k] = slot;
            if (slot >= 0)
            {
                produced[slot] = true;
            }
        }
        var missing = Array.IndexOf(produced, false);
        if (missing >= 0)
        {
            var name = witnessIndex.FirstOrDefault(s => s.Value == missing).Key ?? "no signal there";
            throw new ProverUnavailableException($"the native witness of {circuit} does not produce witness value {missing} ({name} in {symbolsPath}): the templates do not match the circuit");
        }
        return new NativeWitnessCalculator(circuit, symbolsPath, template, slots, witnessSize);
    }

    public Fr[] Calculate(JsonObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = ReadInputs(input);
        var witness = new Fr[WitnessSize];
        witness[0] = Fr.One;
        var trace = WitnessTrace.Writing(_slots, witness);
        _template.Run(trace, signal => values[signal]);
        if (trace.Failure is not null)
        {
            // Run again recording names, for the failed check's own words.
            var recording = WitnessTrace.Recording();
            _template.Run(recording, signal => values[signal]);
            throw CircuitInput.Error(Circuit, $"the inputs violate a constraint ({recording.Failure})", null);
        }
        return witness;
    }

    private Dictionary<string, Fr[]> ReadInputs(JsonObject input)
    {
        var values = new Dictionary<string, Fr[]>(StringComparer.Ordinal);
        foreach (var (name, node) in input)
        {
            var size = _template.Inputs.FirstOrDefault(i => i.Signal == name).Size;
            if (size == 0)
            {
                throw CircuitInput.Error(Circuit, $"'{name}' is not an input signal", name);
            }
            var given = CircuitInput.Values(Circuit, name, node);
            if (given.Count != size)
            {
                throw CircuitInput.Error(Circuit, $"'{name}' takes {size} values, not {given.Count}", name);
            }
            values[name] = [.. given.Select(v => Fr.FromBigInteger(CircuitInput.Reduce(v)))];
        }
        var set = values.Values.Sum(v => v.Length);
        var expected = _template.Inputs.Sum(i => i.Size);
        if (set < expected)
        {
            throw CircuitInput.Error(Circuit, $"only {set} of the circuit's {expected} input values are set", null);
        }
        return values;
    }

    private static Dictionary<string, int> ReadSymbols(string path)
    {
        var symbols = new Dictionary<string, int>(StringComparer.Ordinal);
        var placed = new HashSet<int>(); // each witness value belongs to one signal; 0 is the constant 1
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            // signal,witness,component,name: only the witness index and the name are used.
            var fields = text.AsSpan();
            var first = fields.IndexOf(',');
            var second = first < 0 ? -1 : fields[(first + 1)..].IndexOf(',') + first + 1;
            var third = second <= first ? -1 : fields[(second + 1)..].IndexOf(',') + second + 1;
            if (third <= second
                || !int.TryParse(fields[(first + 1)..second], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var witness)
                || witness is < -1 or 0
                || (witness > 0 && !placed.Add(witness))
                || fields[(third + 1)..].Contains(',')
                || !symbols.TryAdd(text[(third + 1)..], witness))
            {
                throw new ProverUnavailableException($"{path} line {line} is not a circom symbol line (signal,witness,component,name with each name and each witness index from 1 once): '{text}'");
            }
        }
        // A witness index beyond the lines read would size the witness from a number in the file.
        if (placed.Count > 0 && placed.Max() > line)
        {
            throw new ProverUnavailableException($"{path} places a signal at witness index {placed.Max()} but has {line} lines: not a circom symbol file");
        }
        return symbols;
    }
}
