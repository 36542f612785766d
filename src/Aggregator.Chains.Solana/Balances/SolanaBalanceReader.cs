using System.Numerics;
using Aggregator.Chains.Solana.Rpc;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;

namespace Aggregator.Chains.Solana.Balances;

/// <summary>
/// Reads SOL and SPL token balances of the configured owners at the finalized commitment: the slot
/// first, then every read (getMultipleAccounts and getBalance in calls of at most 100, token accounts
/// by owner) with minContextSlot set to it. Token balances are summed over an owner's token accounts of
/// each configured mint, from tokenAmount.amount; the mints' decimals on chain are checked against the
/// configuration. Every answer names the slot it was served at. Solana serves no past slot, so a read
/// of many calls on a live cluster spans slots: the batch's height is the highest slot an answer came
/// from, and <see cref="SolanaRead.FirstSlot"/> the lowest (the range goes into the reserves evidence).
/// Solana's RPC gives no block hash with these reads, so the batch's hash is empty.
/// </summary>
public sealed class SolanaBalanceReader(SolanaRpcClient client, SolanaChainOptions options) : IChainReader
{
    /// <summary>Lamports per SOL: 10^9.</summary>
    public const int NativeDecimals = 9;

    public string Name => options.Name;

    public ChainId Chain => new(ChainFamily.Solana, options.Cluster);

    public async Task<ObservationBatch> ReadAsync(CancellationToken cancellationToken = default) =>
        (await ReadSpanAsync(0, cancellationToken).ConfigureAwait(false)).Batch;

    /// <summary>A past slot cannot be read: this reads now, at <paramref name="height"/> or later.</summary>
    public async Task<ObservationBatch> RereadAsync(ulong height, string blockHash, CancellationToken cancellationToken = default) =>
        (await ReadSpanAsync(height, cancellationToken).ConfigureAwait(false)).Batch;

    /// <summary>Finalized slots are never reorganized.</summary>
    public Task<string?> BlockHashAtAsync(ulong height, CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

    /// <summary>Reads every address now (at <paramref name="atLeast"/> or later), with the range of slots the answers came from.</summary>
    /// <exception cref="ChainReadFailedException">The cluster could not be read.</exception>
    /// <exception cref="ChainMismatchException">A configured mint is not what the configuration says.</exception>
    public async Task<SolanaRead> ReadSpanAsync(ulong atLeast, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await ReadOnceAsync(atLeast, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not ChainMismatchException && !cancellationToken.IsCancellationRequested)
        {
            throw new ChainReadFailedException($"{options.Name}: could not read the cluster: {error.Message}", error);
        }
    }

    private async Task<SolanaRead> ReadOnceAsync(ulong atLeast, CancellationToken cancellationToken)
    {
        var seen = new SortedSet<ulong>();
        var slot = Math.Max(atLeast, await client.GetSlotAsync(cancellationToken).ConfigureAwait(false));
        var mints = await client.GetMultipleAccountsAsync(options.Tokens.Select(t => t.Mint).ToArray(), slot, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < options.Tokens.Count; i++)
        {
            var token = options.Tokens[i];
            seen.Add(mints[i].Slot);
            // A mint account holds its decimals at byte 44, under the token program that owns it.
            if (mints[i].Value is not { } mint || mint.Owner != token.Program || mint.Data.Length < 45 || mint.Data[44] != token.Decimals)
            {
                throw new ChainMismatchException($"{options.Name}: {token.Symbol} mint {token.Mint} is not a {token.Decimals}-decimal mint of program {token.Program}");
            }
        }
        var balances = new List<BalanceObservation>();
        var lamports = await client.GetBalancesAsync(options.Addresses, slot, cancellationToken).ConfigureAwait(false);
        var native = new AssetId(options.NativeSymbol);
        for (var i = 0; i < options.Addresses.Count; i++)
        {
            seen.Add(lamports[i].Slot);
            balances.Add(new BalanceObservation(options.Addresses[i], native, new Amount(lamports[i].Value, NativeDecimals)));
        }
        foreach (var program in options.Tokens.Select(t => t.Program).Distinct())
        {
            var accounts = await client.GetTokenAccountsByOwnerAsync(options.Addresses, program, slot, cancellationToken).ConfigureAwait(false);
            foreach (var owned in accounts)
            {
                seen.Add(owned.Slot);
            }
            foreach (var token in options.Tokens.Where(t => t.Program == program))
            {
                for (var i = 0; i < options.Addresses.Count; i++)
                {
                    var held = BigInteger.Zero;
                    foreach (var account in accounts[i].Value)
                    {
                        held += account.Mint == token.Mint ? account.Amount : BigInteger.Zero;
                    }
                    balances.Add(new BalanceObservation(options.Addresses[i], new AssetId(token.Symbol), new Amount(held, token.Decimals)));
                }
            }
        }
        return seen.Count == 0
            ? new SolanaRead(new ObservationBatch(Chain, slot, "", balances, []), slot)
            : new SolanaRead(new ObservationBatch(Chain, seen.Max, "", balances, []), seen.Min);
    }
}

/// <summary>One read of a cluster: the batch (its height the highest slot an answer came from) and the lowest such slot.</summary>
public sealed record SolanaRead(ObservationBatch Batch, ulong FirstSlot);
