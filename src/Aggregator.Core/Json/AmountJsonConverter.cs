using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Amounts;

namespace Aggregator.Core.Json;

/// <summary>
/// An <see cref="Amount"/> on the wire: <c>{"baseUnits":"123","decimals":6}</c>. Base units are a string
/// of decimal digits, so no JSON number (and no reader's double) ever carries money.
/// </summary>
public sealed class AmountJsonConverter : JsonConverter<Amount>
{
    /// <inheritdoc />
    public override Amount Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an amount is an object {\"baseUnits\": \"<digits>\", \"decimals\": <0..36>}");
        }
        BigInteger? baseUnits = null;
        int? decimals = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (string.Equals(name, "baseUnits", StringComparison.OrdinalIgnoreCase) && baseUnits is null)
            {
                var digits = reader.TokenType == JsonTokenType.String ? reader.GetString()! : "";
                if (digits.Length is 0 or > 96 || !digits.All(char.IsAsciiDigit))
                {
                    throw new JsonException("an amount's baseUnits must be a string of decimal digits");
                }
                baseUnits = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            }
            else if (string.Equals(name, "decimals", StringComparison.OrdinalIgnoreCase) && decimals is null)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value) || value is < 0 or > Amount.MaxDecimals)
                {
                    throw new JsonException($"an amount's decimals must be an integer 0..{Amount.MaxDecimals}");
                }
                decimals = value;
            }
            else
            {
                throw new JsonException($"an amount has only baseUnits and decimals, once each (found '{name}')");
            }
        }
        return baseUnits is { } units && decimals is { } places
            ? new Amount(units, places)
            : throw new JsonException("an amount needs both baseUnits and decimals");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Amount value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("baseUnits", value.BaseUnits.ToString(CultureInfo.InvariantCulture));
        writer.WriteNumber("decimals", value.Decimals);
        writer.WriteEndObject();
    }
}
