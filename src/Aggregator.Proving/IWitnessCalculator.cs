using System.Text.Json.Nodes;
using Aggregator.Crypto.Field;

namespace Aggregator.Proving;

/// <summary>Computes a circuit's full witness from its input signals.</summary>
public interface IWitnessCalculator
{
    /// <summary>The circuit's name, used in every error.</summary>
    string Circuit { get; }

    /// <summary>Number of witness values the circuit produces.</summary>
    int WitnessSize { get; }

    /// <summary>How the witness is computed, for the output (native templates or Wasmtime, and from which file).</summary>
    string Description { get; }

    /// <summary>
    /// The full witness (witness[0] = 1, then the public signals, then the rest) for <paramref name="input"/>:
    /// signal name to a decimal string, an integer, or (nested) arrays of them.
    /// </summary>
    /// <exception cref="Core.Errors.InputException">An unknown signal, a wrong number of values, a value that is
    /// not an integer, a missing input, or inputs that violate a constraint of the circuit.</exception>
    Fr[] Calculate(JsonObject input);
}
