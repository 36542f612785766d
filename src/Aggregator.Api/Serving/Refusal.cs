using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Aggregator.Api.Serving;

/// <summary>
/// The one answer to every request for an account that is not served: no credential, an unknown key, a
/// wrong, expired or revoked credential, another account's credential, an account that does not exist or
/// that the epoch does not hold. Always the same status and the same bytes (no trace id, nothing of the
/// request), written from this one place, so that no answer tells which accounts exist (as a repository
/// that is private answers 404 to whoever may not see it).
/// </summary>
internal sealed class Refusal : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public const string Detail = "nothing here is readable with the credential given";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        $$"""{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404,"detail":"{{Detail}}"}""");

    private Refusal()
    {
    }

    public static Refusal NotReadable { get; } = new();

    public int? StatusCode => StatusCodes.Status404NotFound;

    public string ContentType => "application/problem+json";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.ContentLength = Body.Length;
        return httpContext.Response.Body.WriteAsync(Body).AsTask();
    }
}
