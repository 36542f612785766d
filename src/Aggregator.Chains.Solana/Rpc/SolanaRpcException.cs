namespace Aggregator.Chains.Solana.Rpc;

/// <summary>A JSON-RPC error answered by the node (code and message as sent).</summary>
internal sealed class SolanaRpcException(int code, string message) : Exception($"JSON-RPC error {code}: {message}")
{
    public int Code { get; } = code;
}
