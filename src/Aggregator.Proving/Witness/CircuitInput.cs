using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;

namespace Aggregator.Proving.Witness;

/// <summary>How every witness calculator reads its input object, and how it names what is wrong with it.</summary>
internal static class CircuitInput
{
    public static InputException Error(string circuit, string problem, string? signal) =>
        new($"circuit {circuit}: {problem}", field: signal == null ? "input" : $"input.{signal}");

    /// <summary>The values of one input signal: a decimal string, an integer, or (nested) arrays of them, flattened.</summary>
    public static List<BigInteger> Values(string circuit, string name, JsonNode? node)
    {
        var values = new List<BigInteger>();
        Flatten(circuit, name, node, values);
        return values;
    }

    /// <summary>The value mod r, negative ones too, as circom's own JavaScript host takes it.</summary>
    public static BigInteger Reduce(BigInteger value)
    {
        value %= Fr.Modulus;
        return value.Sign < 0 ? value + Fr.Modulus : value;
    }

    private static void Flatten(string circuit, string name, JsonNode? node, List<BigInteger> values)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Flatten(circuit, name, item, values);
                }
                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                values.Add(parsed);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number):
                values.Add(number);
                break;
            default:
                throw Error(circuit, $"'{name}' holds {node?.ToJsonString() ?? "null"}, which is not an integer", name);
        }
    }
}
