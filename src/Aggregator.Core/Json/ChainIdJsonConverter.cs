using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Chains;

namespace Aggregator.Core.Json;

/// <summary>A <see cref="ChainId"/> on the wire: its CAIP-2 string, "eip155:1" or "solana:mainnet".</summary>
public sealed class ChainIdJsonConverter : JsonConverter<ChainId>
{
    /// <inheritdoc />
    public override ChainId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return reader.TokenType == JsonTokenType.String
                ? ChainId.Parse(reader.GetString()!)
                : throw new JsonException("a chain id is a CAIP-2 string such as \"eip155:1\"");
        }
        catch (FormatException error)
        {
            throw new JsonException(error.Message, error);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ChainId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
