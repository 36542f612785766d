namespace Aggregator.Chains.Solana.Balances;

/// <summary>One Solana cluster to read: the cluster name (CAIP-2 reference), where, which tokens, which owners.</summary>
public sealed record SolanaChainOptions
{
    public required string Name { get; init; }

    /// <summary>The CAIP-2 reference, e.g. "mainnet" or "devnet".</summary>
    public required string Cluster { get; init; }

    public required Uri RpcUrl { get; init; }

    public string NativeSymbol { get; init; } = "SOL";

    public IReadOnlyList<SolanaToken> Tokens { get; init; } = [];

    public IReadOnlyList<string> Addresses { get; init; } = [];
}

/// <summary>An SPL token: symbol, mint, decimals, and its program (Token or Token-2022).</summary>
public sealed record SolanaToken(string Symbol, string Mint, int Decimals, string Program = SolanaPrograms.Token);

public static class SolanaPrograms
{
    public const string Token = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    public const string Token2022 = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
}
