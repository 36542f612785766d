namespace Aggregator.Core.Chains;

/// <summary>The kinds of chain the adapters read, each with its CAIP-2 namespace.</summary>
public enum ChainFamily
{
    /// <summary>EVM chains, CAIP-2 namespace "eip155" with the numeric chain id as reference.</summary>
    Evm,

    /// <summary>Solana clusters, CAIP-2 namespace "solana".</summary>
    Solana,

    /// <summary>Bitcoin, CAIP-2 namespace "bip122".</summary>
    Bitcoin,
}
