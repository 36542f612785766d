using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Balances;
using Aggregator.Chains.Evm.Ownership;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Chains.Solana.Ownership;
using Aggregator.Chains.Solana.Rpc;
using Aggregator.Core.Amounts;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Aggregator.Core.Ownership;
using Nethereum.Web3;

namespace Aggregator.Cli.Reserves;

/// <summary>
/// Reads every configured chain, checks every ownership signature against the address it counts, and
/// totals the reserves per asset with the evidence (heights, hashes, per-address balances, signatures).
/// </summary>
internal static class ReservesSweep
{
    public const string Format = "aggregator-reserves/1";

    public sealed record Outcome(JsonObject Document, IReadOnlyList<string> Problems, IReadOnlyDictionary<string, Amount> Totals);

    public static async Task<Outcome> RunAsync(ReservesConfig config, ulong epoch, Action<string> progress, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var totals = new Dictionary<string, Amount>(StringComparer.Ordinal);
        var chains = new JsonArray();
        foreach (var chain in config.Evm)
        {
            progress($"reading {chain.Options.Name} ({chain.Addresses.Count} addresses, {chain.Options.Tokens.Count + 1} assets)");
            var batch = await new EvmBalanceReader(new Web3(chain.Options.RpcUrl), chain.Options).ReadAsync(cancellationToken).ConfigureAwait(false);
            chains.Add(Evidence(config.Institution, chain.Options.Name, chain.Addresses, batch, epoch, EvmOwnershipVerifier.Verify, problems, totals));
        }
        using var http = new HttpClient();
        foreach (var cluster in config.Solana)
        {
            progress($"reading {cluster.Options.Name} ({cluster.Addresses.Count} addresses, {cluster.Options.Tokens.Count + 1} assets)");
            var batch = await new SolanaBalanceReader(new SolanaRpcClient(http, cluster.Options.RpcUrl), cluster.Options).ReadAsync(cancellationToken).ConfigureAwait(false);
            chains.Add(Evidence(config.Institution, cluster.Options.Name, cluster.Addresses, batch, epoch, SolanaOwnershipVerifier.Verify, problems, totals));
        }
        var document = new JsonObject
        {
            ["format"] = Format,
            ["institution"] = config.Institution,
            ["epoch"] = epoch,
            ["reserves"] = new JsonObject(totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => KeyValuePair.Create<string, JsonNode?>(t.Key, t.Value.ToString()))),
            ["chains"] = chains,
        };
        return new Outcome(document, problems, totals);
    }

    /// <summary>One chain's evidence; adds its verified balances to the totals and its problems to the list.</summary>
    internal static JsonObject Evidence(
        string institution, string name, IReadOnlyList<ReservesConfig.ReserveAddress> reserves, ObservationBatch batch, ulong epoch,
        Func<OwnershipClaim, OwnershipMessage, OwnershipCheck> verify, List<string> problems, Dictionary<string, Amount> totals)
    {
        var addresses = new JsonArray();
        foreach (var reserve in reserves)
        {
            var expected = new OwnershipMessage(institution, batch.Chain, reserve.Address, epoch);
            var check = verify(new OwnershipClaim(reserve.SignedText, reserve.Signature), expected);
            // EVM addresses are case-insensitive hex; Solana's base58 is not.
            var comparison = batch.Chain.Family == ChainFamily.Evm ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var balances = batch.Balances.Where(b => string.Equals(b.Address, reserve.Address, comparison)).ToArray();
            if (!check.IsValid)
            {
                problems.Add($"{name} {reserve.Address}: ownership not proved: {check.Reason}");
            }
            else
            {
                foreach (var balance in balances)
                {
                    Add(totals, balance.Asset.Symbol, balance.Amount, problems);
                }
            }
            addresses.Add(new JsonObject
            {
                ["address"] = reserve.Address,
                ["signedText"] = reserve.SignedText,
                ["signature"] = reserve.Signature,
                ["ownership"] = check.IsValid ? "verified" : check.Reason,
                ["balances"] = new JsonObject(balances.Select(b => KeyValuePair.Create<string, JsonNode?>(b.Asset.Symbol, b.Amount.ToString()))),
            });
        }
        foreach (var failure in batch.Failures)
        {
            problems.Add($"{name} {failure.Address}: {failure.Asset} unreadable ({failure.Reason}); not counted");
        }
        return new JsonObject
        {
            ["chain"] = batch.Chain.ToString(),
            ["name"] = name,
            ["height"] = batch.Height,
            ["blockHash"] = batch.BlockHash,
            ["addresses"] = addresses,
        };
    }

    private static void Add(Dictionary<string, Amount> totals, string symbol, Amount amount, List<string> problems)
    {
        if (!totals.TryGetValue(symbol, out var total))
        {
            totals[symbol] = amount;
        }
        else if (total.Decimals != amount.Decimals)
        {
            problems.Add($"{symbol} has {total.Decimals} decimals on one chain and {amount.Decimals} on another: configure one symbol per asset");
        }
        else
        {
            totals[symbol] = new Amount(total.BaseUnits + amount.BaseUnits, total.Decimals);
        }
    }
}
