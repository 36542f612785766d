using Aggregator.Chains.Evm.Balances;
using Aggregator.Chains.Evm.Ownership;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Chains.Solana.Ownership;
using Aggregator.Chains.Solana.Rpc;
using Aggregator.Core.Chains;
using Aggregator.Reserves.Configuration;
using Nethereum.Web3;

namespace Aggregator.Reserves.Chains;

/// <summary>Turns a validated configuration into readers: every EVM chain and Solana cluster, in configuration order.</summary>
public static class ReserveChains
{
    /// <param name="config">The validated configuration.</param>
    /// <param name="http">The HTTP client the Solana readers share (the host's, with its handler lifetime).</param>
    /// <param name="resilience">Timeouts and retries; the defaults when null.</param>
    public static IReadOnlyList<ReserveChain> Open(ReservesConfig config, HttpClient http, RpcResilienceOptions? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var chains = new List<ReserveChain>();
        foreach (var chain in config.Evm)
        {
            var web3 = new Web3(chain.Options.RpcUrl);
            chains.Add(new ReserveChain(new EvmBalanceReader(web3, chain.Options, resilience), chain.Addresses, EvmOwnershipVerifier.Verify)
            {
                Clock = new Aggregator.Chains.Evm.Blocks.BlockClock(web3, chain.Options.Name, resilience),
                Confirmations = chain.Options.Confirmations,
            });
        }
        foreach (var cluster in config.Solana)
        {
            var reader = new SolanaBalanceReader(new SolanaRpcClient(http, cluster.Options.RpcUrl, resilience), cluster.Options);
            chains.Add(new ReserveChain(reader, cluster.Addresses, SolanaOwnershipVerifier.Verify));
        }
        return chains;
    }
}
