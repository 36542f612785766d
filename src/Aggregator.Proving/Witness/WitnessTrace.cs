using System.Runtime.CompilerServices;
using Aggregator.Crypto.Field;

namespace Aggregator.Proving.Witness;

/// <summary>
/// Where the native templates put each signal's value. The templates emit every signal of the circuit,
/// always in the same order; a first run records each signal's name, which the circuit's .sym maps to
/// its witness index (or to none: the compiler's simplification dropped it). Later runs only count:
/// the names are never formatted (<see cref="SignalName"/>), and value k goes to the index recorded for
/// emission k. A failed check of the circuit (an <c>===</c> or a range) is kept, not thrown, so that the
/// recording run completes on any input.
/// </summary>
internal sealed class WitnessTrace
{
    private readonly List<string>? _names;
    private readonly int[]? _slots;
    private readonly Fr[]? _witness;
    private int _emitted;

    private WitnessTrace(List<string>? names, int[]? slots, Fr[]? witness)
    {
        _names = names;
        _slots = slots;
        _witness = witness;
    }

    /// <summary>A run that records the name of every signal in emission order.</summary>
    public static WitnessTrace Recording() => new([], null, null);

    /// <summary>A run that writes emission k to <c>witness[slots[k]]</c> (nothing where the slot is −1).</summary>
    public static WitnessTrace Writing(int[] slots, Fr[] witness) => new(null, slots, witness);

    public bool IsRecording => _names is not null;

    /// <summary>The names emitted by a recording run.</summary>
    public IReadOnlyList<string> Names => _names ?? throw new InvalidOperationException("not a recording run");

    public int Emitted => _emitted;

    /// <summary>The first failed check, or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Emits one signal's value and returns it.</summary>
    public Fr Emit(in Fr value, [InterpolatedStringHandlerArgument("")] SignalName name)
    {
        if (_names is not null)
        {
            _names.Add(name.ToStringAndClear());
        }
        else
        {
            if (_emitted >= _slots!.Length)
            {
                throw new InvalidOperationException($"the templates emitted more signals than the {_slots.Length} recorded");
            }
            var slot = _slots[_emitted];
            if (slot >= 0)
            {
                _witness![slot] = value;
            }
        }
        _emitted++;
        return value;
    }

    /// <summary>
    /// A check of the circuit. The first that fails is kept: with <paramref name="what"/> in a recording
    /// run, as an empty text otherwise (the caller records again for the detail).
    /// </summary>
    public void Require(bool holds, [InterpolatedStringHandlerArgument("")] SignalName what)
    {
        var text = what.ToStringAndClear(); // also returns a recording run's buffer to the pool
        if (!holds)
        {
            Failure ??= text;
        }
    }

    /// <summary>A component's name prefix: formatted in a recording run, empty otherwise.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An instance method: the handler reads whether this trace records.")]
    public string Prefix([InterpolatedStringHandlerArgument("")] SignalName name) => name.ToStringAndClear();

    /// <summary>
    /// A signal's name, formatted only by a recording run: an interpolated string whose parts the
    /// compiler appends only when the constructor says so.
    /// </summary>
    [InterpolatedStringHandler]
    public ref struct SignalName
    {
        private readonly bool _enabled;
        private DefaultInterpolatedStringHandler _text; // pooled buffer: tens of thousands of names per recording

        public SignalName(int literalLength, int formattedCount, WitnessTrace trace, out bool isEnabled)
        {
            isEnabled = _enabled = trace.IsRecording;
            _text = isEnabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, System.Globalization.CultureInfo.InvariantCulture) : default;
        }

        public void AppendLiteral(string value) => _text.AppendLiteral(value);

        public void AppendFormatted(int value) => _text.AppendFormatted(value);

        public void AppendFormatted(string value) => _text.AppendFormatted(value);

        /// <summary>The name (empty when not recording); the handler's buffer goes back to the pool.</summary>
        public string ToStringAndClear() => _enabled ? _text.ToStringAndClear() : "";
    }
}
