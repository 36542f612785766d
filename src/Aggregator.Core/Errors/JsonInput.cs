using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Aggregator.Core.Errors;

/// <summary>
/// Reads an input document into typed records, turning every JSON failure (malformed text, a value of
/// the wrong type, a missing required or an unknown property, a duplicate key) into an
/// <see cref="InputException"/> naming the file, the line and the JSON path.
/// </summary>
public static class JsonInput
{
    /// <exception cref="InputException">The document does not have the expected shape.</exception>
    public static T Deserialize<T>(string json, JsonTypeInfo<T> type, string source)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new InputException("the document is null", file: source, field: "$");
        }
        catch (JsonException error)
        {
            // System.Text.Json appends " Path: … | LineNumber: … | BytePositionInLine: …" to its messages: keep only the problem.
            var problem = error.Message;
            var cut = problem.IndexOf(" Path:", StringComparison.Ordinal);
            problem = cut > 0 ? problem[..cut] : problem;
            throw new InputException(problem.TrimEnd('.'), file: source, line: error.LineNumber + 1, field: error.Path ?? "$", inner: error);
        }
    }
}
