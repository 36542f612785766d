using Aggregator.Chains.Solana.Rpc;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Aggregator.Chains.Solana.Balances;

/// <summary>
/// Reads SOL and SPL token balances of the configured owners at the finalized slot: the slot first,
/// then every read with minContextSlot set to it, batched. Token balances are summed over an owner's
/// token accounts of each configured mint, from tokenAmount.amount; the mints' decimals on chain are
/// checked against the configuration. Failures are retried with backoff (Polly) and then fail the read
/// of the cluster: nothing half-read is returned. Solana's RPC gives no block hash with these reads,
/// so the batch's hash is empty and its height is the slot.
/// </summary>
public sealed class SolanaBalanceReader(SolanaRpcClient client, SolanaChainOptions options, ResiliencePipeline? resilience = null)
{
    private const int NativeDecimals = 9;

    private readonly ResiliencePipeline _resilience = resilience ?? new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>().Handle<SolanaRpcException>(),
        })
        .AddTimeout(TimeSpan.FromSeconds(10))
        .Build();

    public async Task<ObservationBatch> ReadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _resilience.ExecuteAsync(ReadOnceAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not MintMismatchException && !cancellationToken.IsCancellationRequested)
        {
            throw new SolanaReadFailedException($"{options.Name}: could not read the cluster: {error.Message}", error);
        }
    }

    private async ValueTask<ObservationBatch> ReadOnceAsync(CancellationToken cancellationToken)
    {
        var slot = await client.GetSlotAsync(cancellationToken).ConfigureAwait(false);
        var mints = await client.GetMultipleAccountsAsync(options.Tokens.Select(t => t.Mint).ToArray(), slot, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < options.Tokens.Count; i++)
        {
            var token = options.Tokens[i];
            // A mint account holds its decimals at byte 44, under the token program that owns it.
            if (mints[i] is not { } mint || mint.Owner != token.Program || mint.Data.Length < 45 || mint.Data[44] != token.Decimals)
            {
                throw new MintMismatchException($"{options.Name}: {token.Symbol} mint {token.Mint} is not a {token.Decimals}-decimal mint of program {token.Program}");
            }
        }
        var balances = new List<BalanceObservation>();
        var lamports = await client.GetBalancesAsync(options.Addresses, slot, cancellationToken).ConfigureAwait(false);
        var native = new AssetId(options.NativeSymbol);
        for (var i = 0; i < options.Addresses.Count; i++)
        {
            balances.Add(new BalanceObservation(options.Addresses[i], native, new Amount(lamports[i], NativeDecimals)));
        }
        foreach (var program in options.Tokens.Select(t => t.Program).Distinct())
        {
            var accounts = await client.GetTokenAccountsByOwnerAsync(options.Addresses, program, slot, cancellationToken).ConfigureAwait(false);
            foreach (var token in options.Tokens.Where(t => t.Program == program))
            {
                for (var i = 0; i < options.Addresses.Count; i++)
                {
                    var held = accounts[i].Where(a => a.Mint == token.Mint).Aggregate(System.Numerics.BigInteger.Zero, (sum, a) => sum + a.Amount);
                    balances.Add(new BalanceObservation(options.Addresses[i], new AssetId(token.Symbol), new Amount(held, token.Decimals)));
                }
            }
        }
        return new ObservationBatch(new ChainId(ChainFamily.Solana, options.Cluster), slot, "", balances, []);
    }
}

/// <summary>A cluster could not be read whole, after retries.</summary>
public sealed class SolanaReadFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>A configured token does not match its mint on chain (program or decimals).</summary>
public sealed class MintMismatchException(string message) : Exception(message);
