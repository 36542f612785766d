using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
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

    private NativeWitnessCalculator(string circuit, string layoutSource, NativeCircuit template, int[] slots, int witnessSize)
    {
        Circuit = circuit;
        Description = $"native templates, laid out by {layoutSource}";
        _template = template;
        _slots = slots;
        WitnessSize = witnessSize;
    }

    public string Circuit { get; }

    public int WitnessSize { get; }

    public string Description { get; }

    /// <summary>
    /// The native calculator of <paramref name="circuit"/>, or null when it has no native template or no
    /// symbol file. The layout (where each emitted value goes) is kept in <paramref name="cacheDirectory"/>,
    /// keyed by the symbol file's SHA-256 and this build of the templates: a later process reads it
    /// instead of matching 60,000 names again.
    /// </summary>
    /// <exception cref="ProverUnavailableException">The symbol file is malformed or does not match the templates.</exception>
    public static NativeWitnessCalculator? TryLoad(string circuit, string symbolsPath, string? cacheDirectory = null)
    {
        var template = NativeCircuit.For(circuit);
        if (template is null || !File.Exists(symbolsPath))
        {
            return null;
        }
        byte[] text;
        try
        {
            text = File.ReadAllBytes(symbolsPath);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ProverUnavailableException($"{symbolsPath} cannot be read: {error.Message}");
        }
        var cached = PrivateCache.PathFor(cacheDirectory, $"{circuit}-{LayoutKey(text)}.layout");
        if (Layout.Decode(PrivateCache.Read(cached)) is { } known)
        {
            return new NativeWitnessCalculator(circuit, $"{symbolsPath} (its layout from the cache)", template, known.Slots, known.WitnessSize);
        }
        // The file is parsed on one core while the templates record their names on the other.
        var recording = WitnessTrace.Recording();
        SymbolFile symbols = default;
        try
        {
            Parallel.Invoke(
                () => symbols = SymbolFile.Parse(symbolsPath, text),
                () => template.Run(recording, signal => new Fr[template.Inputs.Single(i => i.Signal == signal).Size]));
        }
        catch (AggregateException error) when (error.InnerException is ProverUnavailableException unavailable)
        {
            throw unavailable;
        }
        var layout = new Layout(symbols.WitnessSize, symbols.Slots(recording.Names, circuit));
        if (layout.FirstMissing() is var missing and >= 0)
        {
            throw new ProverUnavailableException($"the native witness of {circuit} does not produce witness value {missing} ({symbols.NameAt(missing)} in {symbolsPath}): the templates do not match the circuit");
        }
        PrivateCache.Write(cached, layout.Encode());
        return new NativeWitnessCalculator(circuit, symbolsPath, template, layout.Slots, layout.WitnessSize);
    }

    // The symbol file's SHA-256 and this build of the templates (Aggregator.Proving's module version id).
    private static string LayoutKey(byte[] symbols) =>
        Convert.ToHexStringLower(SHA256.HashData([.. symbols, .. typeof(NativeWitnessCalculator).Module.ModuleVersionId.ToByteArray()]))[..32];

    /// <summary>Where emission k goes (<see cref="Slots"/>[k], −1 for a dropped signal), and the witness's size.</summary>
    private sealed record Layout(int WitnessSize, int[] Slots)
    {
        /// <summary>The first witness index no emission fills (0, the constant 1, always is), or −1.</summary>
        public int FirstMissing()
        {
            var produced = new bool[WitnessSize];
            produced[0] = true;
            foreach (var slot in Slots)
            {
                if (slot >= 0)
                {
                    produced[slot] = true;
                }
            }
            return Array.IndexOf(produced, false);
        }

        /// <summary>The witness size, the count, then each slot: 32-bit little-endian integers.</summary>
        public byte[] Encode()
        {
            var bytes = new byte[4 * (2 + Slots.Length)];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, WitnessSize);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), Slots.Length);
            for (var k = 0; k < Slots.Length; k++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8 + 4 * k), Slots[k]);
            }
            return bytes;
        }

        /// <summary>What <see cref="Encode"/> wrote, held to the checks of a layout just matched; null for anything else.</summary>
        public static Layout? Decode(byte[]? bytes)
        {
            if (bytes is null || bytes.Length < 8)
            {
                return null;
            }
            var witnessSize = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            var count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
            if (witnessSize < 1 || count < 0 || bytes.Length != 8 + 4L * count)
            {
                return null;
            }
            var slots = new int[count];
            for (var k = 0; k < count; k++)
            {
                slots[k] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8 + 4 * k));
                if (slots[k] < -1 || slots[k] >= witnessSize)
                {
                    return null;
                }
            }
            var layout = new Layout(witnessSize, slots);
            return layout.FirstMissing() < 0 ? layout : null;
        }
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

    /// <summary>
    /// A circom symbol file (CIRCUIT.sym), one line per signal: <c>signal,witness,component,name</c>.
    /// Read as bytes, each name matched where it lies: 60,000 names take no string each.
    /// </summary>
    private readonly struct SymbolFile
    {
        private readonly string _path;
        private readonly byte[] _text;
        private readonly SymbolLine[] _lines;

        private SymbolFile(string path, byte[] text, SymbolLine[] lines, int witnessSize)
        {
            (_path, _text, _lines, WitnessSize) = (path, text, lines, witnessSize);
        }

        /// <summary>One more than the largest witness index the file places (at least 1: the constant).</summary>
        public int WitnessSize { get; }

        /// <exception cref="ProverUnavailableException">A line is not a symbol line, or a witness index is placed twice or beyond the file.</exception>
        public static SymbolFile Parse(string path, byte[] text)
        {
            var lines = new List<SymbolLine>(text.Length / 48);
            var largest = 0;
            var number = 0;
            for (var start = 0; start < text.Length;)
            {
                var end = text.AsSpan(start).IndexOf((byte)'\n') is var newline and >= 0 ? start + newline : text.Length;
                var stop = end > start && text[end - 1] == (byte)'\r' ? end - 1 : end;
                var line = text.AsSpan(start, stop - start);
                number++;
                // signal,witness,component,name: only the witness index and the name are used.
                var first = line.IndexOf((byte)',');
                var second = first < 0 ? -1 : line[(first + 1)..].IndexOf((byte)',') + first + 1;
                var third = second <= first ? -1 : line[(second + 1)..].IndexOf((byte)',') + second + 1;
                if (third <= second
                    || !int.TryParse(line[(first + 1)..second], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var witness)
                    || witness is < -1 or 0
                    || line[(third + 1)..].Contains((byte)','))
                {
                    throw NotASymbolLine(path, number, line);
                }
                lines.Add(new SymbolLine(witness, start, start + third + 1, stop, number));
                largest = Math.Max(largest, witness);
                start = end + 1;
            }
            // A witness index beyond the lines read would size the witness from a number in the file.
            if (largest > number)
            {
                throw new ProverUnavailableException($"{path} places a signal at witness index {largest} but has {number} lines: not a circom symbol file");
            }
            var placed = new bool[largest + 1]; // each witness value belongs to one signal; 0 is the constant 1
            foreach (var line in lines)
            {
                if (line.Witness > 0)
                {
                    if (placed[line.Witness])
                    {
                        throw NotASymbolLine(path, line.Number, text.AsSpan(line.Start..line.End));
                    }
                    placed[line.Witness] = true;
                }
            }
            return new SymbolFile(path, text, [.. lines], largest + 1);
        }

        /// <summary>
        /// The witness index of each name the templates emitted (−1 where the compiler dropped the signal),
        /// in emission order.
        /// </summary>
        /// <exception cref="ProverUnavailableException">An emitted name is not in the file, or is listed twice.</exception>
        public int[] Slots(IReadOnlyList<string> names, string circuit)
        {
            const int Unlisted = int.MinValue;
            var emitted = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
            var firstOf = new int[names.Count]; // a name emitted twice takes its first emission's slot
            for (var k = 0; k < names.Count; k++)
            {
                firstOf[k] = emitted.TryAdd(names[k], k) ? k : emitted[names[k]];
            }
            var listed = new int[names.Count];
            Array.Fill(listed, Unlisted);
            var lookup = emitted.GetAlternateLookup<ReadOnlySpan<char>>();
            var name = new char[256];
            foreach (var line in _lines)
            {
                var bytes = _text.AsSpan(line.NameStart..line.End);
                if (name.Length < bytes.Length)
                {
                    name = new char[bytes.Length];
                }
                var chars = name.AsSpan(0, System.Text.Encoding.UTF8.GetChars(bytes, name));
                if (lookup.TryGetValue(chars, out var k))
                {
                    if (listed[k] != Unlisted)
                    {
                        throw NotASymbolLine(_path, line.Number, _text.AsSpan(line.Start..line.End));
                    }
                    listed[k] = line.Witness;
                }
            }
            var slots = new int[names.Count];
            for (var k = 0; k < names.Count; k++)
            {
                slots[k] = listed[firstOf[k]];
                if (slots[k] == Unlisted)
                {
                    throw new ProverUnavailableException($"the native witness of {circuit} emits {names[k]}, which {_path} does not list: the templates do not match the circuit");
                }
            }
            return slots;
        }

        /// <summary>The name of the signal at a witness index, for an error.</summary>
        public string NameAt(int witness)
        {
            foreach (var line in _lines)
            {
                if (line.Witness == witness)
                {
                    return System.Text.Encoding.UTF8.GetString(_text.AsSpan(line.NameStart..line.End));
                }
            }
            return "no signal there";
        }

        /// <summary>A line's witness index, where it and its name lie in the file (the name ends the line), and its number from 1.</summary>
        private readonly record struct SymbolLine(int Witness, int Start, int NameStart, int End, int Number);

        private static ProverUnavailableException NotASymbolLine(string path, int line, ReadOnlySpan<byte> text) =>
            new($"{path} line {line} is not a circom symbol line (signal,witness,component,name with each name and each witness index from 1 once): '{System.Text.Encoding.UTF8.GetString(text)}'");
    }
}
