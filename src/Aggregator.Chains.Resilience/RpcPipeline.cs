using Aggregator.Core.Chains;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Aggregator.Chains.Resilience;

/// <summary>
/// The one resilience pipeline of every chain adapter (Polly): a per-attempt timeout inside retries with
/// exponential backoff and jitter. The timeout is real even for client libraries whose calls take no
/// cancellation token (Nethereum 6.1.0): each attempt is awaited with <c>WaitAsync</c> on the attempt's
/// token, so a node that accepts the connection and never answers costs one attempt timeout, and
/// Ctrl-C ends the wait at once (the abandoned request finishes or times out on its own).
/// </summary>
public sealed class RpcPipeline
{
    private readonly ResiliencePipeline _pipeline;

    /// <param name="options">Retries, backoff and the per-attempt timeout.</param>
    /// <param name="isTransient">The chain family's own transient failures (JSON-RPC errors, say); HTTP failures and timeouts always are.</param>
    public RpcPipeline(RpcResilienceOptions options, Func<Exception, bool> isTransient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(isTransient);
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, options.MaxRetries),
                Delay = options.FirstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(error => IsTransient(error) || isTransient(error)),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>Runs <paramref name="call"/> with retries; each attempt gets a token that fires at its timeout.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return await _pipeline.ExecuteAsync(
            async token => await call(token).WaitAsync(token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    // An HttpClient's own timeout surfaces as a TaskCanceledException carrying a TimeoutException.
    private static bool IsTransient(Exception error) =>
        error is HttpRequestException or TimeoutRejectedException or TimeoutException
        || error is TaskCanceledException { InnerException: TimeoutException };
}
