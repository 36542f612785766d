using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Api.Serving;

/// <summary>
/// A JSON request body read whole up to a limit (413 beyond it, whatever Content-Length claims or the
/// server in front enforces) and deserialized strictly: an unknown, missing or mistyped field is a
/// validation problem naming it.
/// </summary>
internal static class RequestBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, long limit, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type", detail: "the body is JSON: Content-Type: application/json"));
        }
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[4096];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.WrittenCount + read > limit)
                {
                    return (null, TooLarge(limit));
                }
                buffer.Write(chunk.AsSpan(0, read));
            }
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }
        try
        {
            var value = JsonSerializer.Deserialize(buffer.WrittenSpan, type);
            return value is null ? (null, Invalid("$", "the body is a JSON object")) : (value, null);
        }
        catch (JsonException error)
        {
            var field = string.IsNullOrEmpty(error.Path) || error.Path == "$" ? "$" : error.Path;
            return (null, Invalid(field, $"the body is not a valid request: {error.Message.Split(" Path:", 2)[0]}"));
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload Too Large", detail: $"the body is larger than {limit} bytes");

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
