using Nethereum.JsonRpc.Client;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Aggregator.Chains.Evm.Balances;

/// <summary>
/// How RPC calls survive a flaky node: each attempt has a timeout; timeouts, HTTP failures and JSON-RPC
/// errors are retried with exponential backoff and jitter (Polly); what still fails is the caller's to report.
/// </summary>
public static class RpcResilience
{
    public static ResiliencePipeline Create(int maxRetries = 4, TimeSpan? firstDelay = null, TimeSpan? attemptTimeout = null) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                Delay = firstDelay ?? TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<RpcClientTimeoutException>()
                    .Handle<RpcClientUnknownException>()
                    .Handle<RpcResponseException>()
                    .Handle<TaskCanceledException>(),
            })
            .AddTimeout(attemptTimeout ?? TimeSpan.FromSeconds(10))
            .Build();
}
