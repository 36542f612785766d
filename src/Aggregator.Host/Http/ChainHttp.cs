using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Host.Http;

/// <summary>
/// The one HTTP client of the chains (Solana JSON-RPC, the nodes a close reads): from
/// <see cref="IHttpClientFactory"/>, whose pooled handlers recycle their connections so a node's DNS change
/// is seen. Retries and per-attempt timeouts are not here: they wrap each RPC call in the chain clients
/// (Chains.Resilience's <c>RpcPipeline</c>), where a JSON-RPC error inside an HTTP 200 is visible and
/// where the Nethereum calls, which do not go through this client, get the same pipeline.
/// </summary>
public static class ChainHttp
{
    public const string ClientName = "chains";

    // A one-shot command has no host: it takes its client from a factory of its own, configured the same way.
    private static readonly Lazy<IHttpClientFactory> Standalone = new(() =>
        new ServiceCollection().AddChainHttp().BuildServiceProvider().GetRequiredService<IHttpClientFactory>());

    /// <summary>Registers the chains' client on a host.</summary>
    public static IServiceCollection AddChainHttp(this IServiceCollection services)
    {
        services.AddHttpClient(ClientName)
            // The factory's own request logging writes each URL, and a node's URL may carry its API key.
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>The chains' client, outside a host (CLI commands, the demo's setup).</summary>
    public static HttpClient CreateClient() => Standalone.Value.CreateClient(ClientName);

    /// <summary>The chains' client from a host's factory.</summary>
    public static HttpClient CreateClient(IHttpClientFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.CreateClient(ClientName);
    }
}
