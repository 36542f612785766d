namespace Aggregator.Chains.Evm.Balances;

/// <summary>One EVM chain to read: where, how deep to pin, which tokens, which addresses.</summary>
public sealed record EvmChainOptions
{
    public required string Name { get; init; }

    /// <summary>The chain id the node must report (checked before reading).</summary>
    public required ulong ChainId { get; init; }

    public required string RpcUrl { get; init; }

    /// <summary>Reads are pinned at latest − confirmations.</summary>
    public uint Confirmations { get; init; } = 12;

    /// <summary>The Multicall3 deployment to batch through (anvil has none: deploy one).</summary>
    public required string Multicall3Address { get; init; }

    public string NativeSymbol { get; init; } = "ETH";

    public int NativeDecimals { get; init; } = 18;

    public IReadOnlyList<EvmToken> Tokens { get; init; } = [];

    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Calls per eth_call: large enough to amortize the round trip, small enough for node limits.</summary>
    public int CallsPerBatch { get; init; } = 1000;
}

/// <summary>An ERC-20 token: symbol, contract address, decimals.</summary>
public sealed record EvmToken(string Symbol, string Address, int Decimals);
