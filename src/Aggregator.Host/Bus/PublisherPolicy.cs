using Aggregator.Messages;

namespace Aggregator.Host.Bus;

/// <summary>
/// Who may send each message, checked by every consumer against the broker-validated publisher
/// (<see cref="PublisherCheckFilter{T}"/>). The broker's write permissions
/// (deploy/broker/permissions.sh) say the same from the other side; either alone stops a forged
/// message, so a broker misconfigured to let anyone write still lets no role speak for another.
/// </summary>
internal static class PublisherPolicy
{
    private static readonly Dictionary<Type, string[]> Senders = new()
    {
        // Observations only from adapters, and from the prover, which reads a Solana cluster itself at a
        // close and hands that read to the engines: they move collateral, and so liabilities.
        [typeof(CollateralObserved)] = [BusIdentity.Adapter, BusIdentity.Prover],
        // Prices only from the oracle: a forged price plans liquidations.
        [typeof(PricesObserved)] = [BusIdentity.Oracle],
        // The institution's books only from its operators.
        [typeof(LedgerEntry)] = [BusIdentity.Operator],
        [typeof(LiabilitiesRequested)] = [BusIdentity.Prover],
        [typeof(LiabilitiesReported)] = [BusIdentity.Engine],
        [typeof(HealthRequested)] = [BusIdentity.Operator],
        [typeof(HealthReported)] = [BusIdentity.Engine],
        [typeof(ObservationsReplayRequested)] = [BusIdentity.Engine],
        // Closes from the operator's CLI, or the prover's own schedule.
        [typeof(EpochCloseRequested)] = [BusIdentity.Operator, BusIdentity.Prover],
        // Inclusion proofs for the operator's CLI, or for the api on a caller's behalf (it checks the caller first).
        [typeof(InclusionProofRequested)] = [BusIdentity.Operator, BusIdentity.Api],
        [typeof(AccountsHealthChanged)] = [BusIdentity.Engine],
        [typeof(MarginCalls)] = [BusIdentity.Engine],
        [typeof(LiquidationsPlanned)] = [BusIdentity.Engine],
        [typeof(EpochClosed)] = [BusIdentity.Prover],
        [typeof(EpochCloseFailed)] = [BusIdentity.Prover],
        [typeof(ReservesObserved)] = [BusIdentity.Prover],
        // Account views feed the api's read model; the api asks for them all when it starts.
        [typeof(AccountViewsChanged)] = [BusIdentity.Engine],
        [typeof(AccountViewsRequested)] = [BusIdentity.Api],
    };

    /// <summary>How the prover marks the block hash of its own Solana read at a close (then "prover-read:" and a fresh id): only the prover may publish or replace such a batch.</summary>
    public const string ProverReadMark = "prover-read:";

    /// <summary>Why <paramref name="publisher"/> may not send <paramref name="message"/>, or null when it may.</summary>
    public static string? Refusal<T>(T message, string? publisher)
        where T : class
    {
        var name = typeof(T).Name;
        if (publisher is null)
        {
            return $"{name} carries no broker-validated user_id: its publisher is unknown";
        }
        if (BusIdentity.TryParse(publisher) is not { } sender)
        {
            return $"{name} from the broker user '{publisher}', which names no role";
        }
        if (!Senders.TryGetValue(typeof(T), out var roles))
        {
            return $"{name} is not a message any role may send";
        }
        if (!roles.Any(sender.Is))
        {
            return $"{name} from '{publisher}': only {string.Join(" or ", roles)} may send it";
        }
        // The prover hands on its reads of Solana clusters only (EVM heights it reads at the engines' block),
        // and no one else may publish or replace a batch marked as one of its reads.
        if (message is CollateralObserved observed && sender.Role != BusIdentity.All)
        {
            if (sender.Role == BusIdentity.Prover && observed.Batch.Chain.Family != Core.Chains.ChainFamily.Solana)
            {
                return $"{name} of {observed.Batch.Chain} from '{publisher}': the prover hands on Solana reads only";
            }
            var marked = observed.Batch.BlockHash.StartsWith(ProverReadMark, StringComparison.Ordinal)
                || observed.Batch.ReplacesBlockHash?.StartsWith(ProverReadMark, StringComparison.Ordinal) == true;
            if (sender.Role != BusIdentity.Prover && marked)
            {
                return $"{name} of {observed.Batch.Chain} from '{publisher}' names a prover's read: only the prover may publish or replace one";
            }
        }
        // An engine answers for its own partition only: a forged answer for another would replace that
        // partition's liabilities.
        var partition = message switch
        {
            LiabilitiesReported r => new EnginePartition(r.Partition, r.PartitionCount),
            HealthReported r => new EnginePartition(r.Partition, r.PartitionCount),
            AccountViewsChanged r => new EnginePartition(r.Partition, r.PartitionCount),
            _ => (EnginePartition?)null,
        };
        if (partition is { } claimed && sender.Role != BusIdentity.All && !PartitionIs(claimed, publisher))
        {
            return $"{name} for partition {claimed.Index}/{claimed.Count} from '{publisher}', which is another partition's engine";
        }
        return null;
    }

    private static bool PartitionIs(EnginePartition claimed, string publisher) =>
        claimed.Count >= 1 && claimed.Index >= 0 && claimed.Index < claimed.Count && claimed.Queue == publisher;
}
