namespace Aggregator.Core.Chains;

/// <summary>
/// How a chain adapter survives a flaky node: each attempt of an RPC call is cut off after
/// <see cref="AttemptTimeout"/>; transient failures are retried up to <see cref="MaxRetries"/> times with
/// exponential backoff from <see cref="FirstDelay"/>. One definition for every chain family.
/// </summary>
public sealed record RpcResilienceOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The delay before the first retry; it doubles (with jitter) for each later one.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one attempt may take before it is abandoned and retried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
