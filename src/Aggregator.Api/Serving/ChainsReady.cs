using Aggregator.Host.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aggregator.Api.Serving;

/// <summary>
/// Ready when every configured JSON-RPC node (the registry's chain) answers eth_blockNumber. A node's URL
/// may carry its API key, so the answer names nodes by position, never by URL.
/// </summary>
internal sealed class ChainsReady(ApiSettings settings, IHttpClientFactory factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var http = ChainHttp.CreateClient(factory);
        for (var i = 0; i < settings.ReadinessRpcs.Count; i++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                using var request = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}""", System.Text.Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(new Uri(settings.ReadinessRpcs[i]), request, timeout.Token).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode || !text.Contains("\"result\"", StringComparison.Ordinal))
                {
                    return HealthCheckResult.Unhealthy($"chain node {i + 1} answered HTTP {(int)response.StatusCode} without a block number");
                }
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"chain node {i + 1} did not answer");
            }
        }
        return HealthCheckResult.Healthy();
    }
}
