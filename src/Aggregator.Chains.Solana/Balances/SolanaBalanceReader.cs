using System.Numerics;
using Aggregator.Chains.Solana.Rpc;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;

namespace Aggregator.Chains.Solana.Balances;

/// <summary>
/// Reads SOL and SPL token balances of the configured owners at the finalized slot: the slot first,
/// then every read with minContextSlot set to it, batched. Token balances are summed over an owner's
/// token accounts of each configured mint, from tokenAmount.amount; the mints' decimals on chain are
/// checked against the configuration. Every answer names the slot it was served at: a batch is
/// returned only when all of its answers agree on one slot, and that slot is its height; when they
/// straddle slots the whole read is tried again, up to <see cref="SlotAttempts"/> times. Solana's RPC
/// gives no block hash with these reads, so the batch's hash is empty.
/// </summary>
public sealed class SolanaBalanceReader(SolanaRpcClient client, SolanaChainOptions options) : IChainReader
{
    /// <summary>Reads of the whole batch before answers from different slots fail it.</summary>
    public const int SlotAttempts = 5;

    /// <summary>Lamports per SOL: 10^9.</summary>
    public const int NativeDecimals = 9;

    public string Name => options.Name;

    public ChainId Chain => new(ChainFamily.Solana, options.Cluster);

    public Task<ObservationBatch> ReadAsync(CancellationToken cancellationToken = default) => ReadAsync(0, cancellationToken);

    /// <inheritdoc />
    public Task<ObservationBatch> RereadAsync(ulong height, string blockHash, CancellationToken cancellationToken = default) =>
        ReadAsync(height, cancellationToken);

    /// <summary>Finalized slots are never reorganized.</summary>
    public Task<string?> BlockHashAtAsync(ulong height, CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

    private async Task<ObservationBatch> ReadAsync(ulong atLeast, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var seen = new SortedSet<ulong>();
        try
        {
            for (var attempt = 0; attempt < SlotAttempts; attempt++)
            {
                var batch = await ReadOnceAsync(atLeast, seen, cancellationToken).ConfigureAwait(false);
                if (batch != null)
                {
                    return batch;
                }
            }
        }
        catch (Exception error) when (error is not ChainMismatchException && !cancellationToken.IsCancellationRequested)
        {
            throw new ChainReadFailedException($"{options.Name}: could not read the cluster: {error.Message}", error);
        }
        throw new ChainReadFailedException($"{options.Name}: in {SlotAttempts} reads the answers never came from one slot (last seen: {string.Join(", ", seen)})");
    }

    // Null when the answers straddle slots; `seen` collects the slots of that attempt.
    private async Task<ObservationBatch?> ReadOnceAsync(ulong atLeast, SortedSet<ulong> seen, CancellationToken cancellationToken)
    {
        seen.Clear();
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
        return seen.Count <= 1
            ? new ObservationBatch(Chain, seen.Count == 1 ? seen.Min : slot, "", balances, [])
            : null;
    }
}
