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

    /// <summary>Lending positions read for every address beside its balances: what it owes is netted from reserves.</summary>
    public IReadOnlyList<EvmDebtSource> Debts { get; init; } = [];

    /// <summary>Calls per eth_call: large enough to amortize the round trip, small enough for node limits.</summary>
    public int CallsPerBatch { get; init; } = 1000;
}

/// <summary>
/// Where an address's debt in one asset is read: Aave v3, the asset's variable-debt token's
/// balanceOf(address); Compound v3, the market's borrowBalanceOf(address) (its base asset). Both answer
/// in the asset's base units. Aave's getUserAccountData answers in USD and cannot be attributed to an asset.
/// </summary>
public sealed record EvmDebtSource(LendingProtocol Protocol, string Symbol, string Contract, int Decimals)
{
    /// <summary>"aave-v3:0x…" or "compound-v3:0x…", as the evidence names it.</summary>
    public string Name => $"{(Protocol == LendingProtocol.AaveV3 ? "aave-v3" : "compound-v3")}:{Contract}";
}

/// <summary>The lending protocols whose debts are read.</summary>
public enum LendingProtocol
{
    AaveV3,
    CompoundV3,
}

/// <summary>An ERC-20 token: symbol, contract address, decimals.</summary>
public sealed record EvmToken(string Symbol, string Address, int Decimals);
