using System.Net;
using Aggregator.Demo;
using Aggregator.Testing;

namespace Aggregator.Api.Tests;

[Collection(ProvenEpochGroup.Name)]
public sealed class ServiceTests(ApiTestBed bed) : IDisposable
{
    private readonly ApiWorld _world = new(bed.Proven);

    [Fact]
    public async Task The_OpenAPI_document_is_the_committed_one()
    {
        // docs/openapi.json is what the code serves; regenerate it with AGGREGATOR_WRITE_OPENAPI=1 and this test.
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        var served = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var committed = RepositoryPaths.Combine("docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("AGGREGATOR_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(committed, served.TrimEnd() + "\n");
        }
        Assert.True(File.Exists(committed), "docs/openapi.json is missing: run this test with AGGREGATOR_WRITE_OPENAPI=1");
        Assert.True((await File.ReadAllTextAsync(committed)).TrimEnd() == served.TrimEnd(),
            "docs/openapi.json differs from what the API serves: run this test with AGGREGATOR_WRITE_OPENAPI=1 and commit the file");
        var document = ApiWorld.Json(served);
        foreach (var path in new[] { "/v1/epochs", "/v1/epochs/{publisher}/{epoch}/manifest", "/v1/epochs/{publisher}/{epoch}/solvency", "/v1/epochs/{publisher}/{epoch}/reserves", "/v1/epochs/{publisher}/{epoch}/registry", "/v1/epochs/{publisher}/{epoch}/inclusion", "/v1/por/{asset}", "/v1/accounts/{id}", "/v1/markets", "/v1/events" })
        {
            Assert.True(document.GetProperty("paths").TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        }
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_and_readiness_fails_when_a_chain_node_does_not()
    {
        using (var api = new ApiFactory(_world.ApiOnly()))
        using (var client = api.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
            await Eventually.Until(async () => (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK, "the api is ready (its bus started)");
        }
        // A node that refuses connections (a port nothing listens on): not ready, and its URL (which may carry a key) not shown.
        var dead = $"http://127.0.0.1:{LocalServer.FreePort()}/secret-key-in-url";
        using var unready = new ApiFactory(_world.ApiOnly(s => s with { ReadinessRpcs = [dead] }));
        using var unreadyClient = unready.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await unreadyClient.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        using var ready = await unreadyClient.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.DoesNotContain("secret-key-in-url", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(unready.Logs.Lines, line => line.Contains("secret-key-in-url", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_are_served_in_Prometheus_text()
    {
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        await client.GetStringAsync(new Uri("/v1/epochs", UriKind.Relative));
        await Eventually.Until(async () => (await client.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Contains("http_server_request_duration_seconds", StringComparison.Ordinal),
            "the request shows in the metrics");
    }

    [Fact]
    public async Task Cross_origin_reads_are_closed_unless_the_origin_is_configured()
    {
        using (var closed = new ApiFactory(_world.ApiOnly()))
        using (var client = closed.CreateClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/epochs", UriKind.Relative));
            request.Headers.Add("Origin", "https://evil.example");
            using var response = await client.SendAsync(request);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }
        using var open = new ApiFactory(_world.ApiOnly(s => s with { CorsOrigins = ["https://verify.example"] }));
        using var openClient = open.CreateClient();
        foreach (var (origin, allowed) in new[] { ("https://verify.example", true), ("https://evil.example", false) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/epochs", UriKind.Relative));
            request.Headers.Add("Origin", origin);
            using var response = await openClient.SendAsync(request);
            Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
        }
    }

    [Fact]
    public async Task Too_many_requests_get_429_with_a_problem_and_Retry_After()
    {
        using var api = new ApiFactory(_world.ApiOnly(s => s with { RequestsPerSecondPerAddress = 1 }));
        using var client = api.CreateClient();
        var statuses = new List<HttpResponseMessage>();
        // A burst of two seconds' worth is allowed; the next requests within the second are refused.
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await client.GetAsync(new Uri("/v1/epochs", UriKind.Relative)));
        }
        var refused = statuses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter is not null);
        statuses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task A_key_has_its_own_limit_across_addresses()
    {
        using var api = new ApiFactory(_world.ApiOnly(s => s with { RequestsPerSecondPerKey = 1 }));
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("Authorization", "Bearer " + _world.LenderKey);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.GetAsync(new Uri("/v1/epochs", UriKind.Relative));
            codes.Add(response.StatusCode);
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        // The same address without the key is not limited by the key's bucket.
        client.DefaultRequestHeaders.Remove("Authorization");
        using var anonymous = await client.GetAsync(new Uri("/v1/epochs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
    }

    public void Dispose() => _world.Dispose();
}
