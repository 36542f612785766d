using Aggregator.Chains.Resilience;
using Aggregator.Core.Chains;
using Nethereum.JsonRpc.Client;

namespace Aggregator.Chains.Evm;

/// <summary>
/// Every JSON-RPC call of an EVM reader: through the shared pipeline (per-attempt timeout, retries on
/// transient node errors), a failure beyond the retries becoming a <see cref="ChainReadFailedException"/>
/// that names the chain and what was being read. A mismatch (the node contradicts the configuration) and
/// the caller's own cancellation pass through unchanged.
/// </summary>
internal sealed class ResilientCalls(string chain, RpcResilienceOptions? resilience)
{
    private readonly RpcPipeline _pipeline = new(resilience ?? new RpcResilienceOptions(), error =>
        error is RpcClientTimeoutException or RpcClientUnknownException or RpcResponseException);

    public async Task<T> RunAsync<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(_ => call(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not (ChainMismatchException or OperationCanceledException) || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ChainReadFailedException($"{chain}: could not read {what}: {error.Message}", error);
        }
    }
}
