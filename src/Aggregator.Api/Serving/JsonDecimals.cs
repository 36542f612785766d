using System.Globalization;
using System.Text.Json;

namespace Aggregator.Api.Serving;

/// <summary>How the api writes a decimal figure: the shortest exact string ("1.375", "0"), never a JSON number a reader might take as a double.</summary>
internal static class JsonDecimals
{
    public static string Text(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="value"/> as <see cref="Text"/>, or null.</summary>
    public static void Write(Utf8JsonWriter writer, string name, decimal? value)
    {
        if (value is { } number)
        {
            writer.WriteString(name, Text(number));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
