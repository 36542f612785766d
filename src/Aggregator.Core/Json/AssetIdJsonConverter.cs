using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Assets;

namespace Aggregator.Core.Json;

/// <summary>An <see cref="AssetId"/> on the wire: its symbol as a string.</summary>
public sealed class AssetIdJsonConverter : JsonConverter<AssetId>
{
    /// <inheritdoc />
    public override AssetId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return reader.TokenType == JsonTokenType.String
                ? new AssetId(reader.GetString()!)
                : throw new JsonException("an asset id is a string such as \"BTC\"");
        }
        catch (FormatException error)
        {
            throw new JsonException(error.Message, error);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AssetId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Symbol);
    }
}
