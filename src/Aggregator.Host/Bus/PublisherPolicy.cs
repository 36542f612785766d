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
        // Observations only from adapters: they move collateral, and so margin.
        [typeof(CollateralObserved)] = [BusIdentity.Adapter],
        // Prices only from the oracle: a forged price plans liquidations.
        [typeof(PricesObserved)] = [BusIdentity.Oracle],
        // The institution's books only from its operators.
        [typeof(LedgerEntry)] = [BusIdentity.Operator],
        [typeof(HealthRequested)] = [BusIdentity.Operator],
        [typeof(HealthReported)] = [BusIdentity.Engine],
        // One account's risk for the operator, or for the api on a caller's behalf (it checks the caller first).
        [typeof(RiskRequested)] = [BusIdentity.Operator, BusIdentity.Api],
        [typeof(ObservationsReplayRequested)] = [BusIdentity.Engine],
        // Closes from the operator's CLI, or the prover's own schedule.
        [typeof(EpochCloseRequested)] = [BusIdentity.Operator, BusIdentity.Prover],
        // Inclusion proofs for the operator's CLI, or for the api on a caller's behalf (it checks the caller first).
        [typeof(InclusionProofRequested)] = [BusIdentity.Operator, BusIdentity.Api],
        // Attestations likewise: the api asks only for the account whose credential called.
        [typeof(CollateralAttestationRequested)] = [BusIdentity.Operator, BusIdentity.Api],
        [typeof(AccountsHealthChanged)] = [BusIdentity.Engine],
        [typeof(MarginCalls)] = [BusIdentity.Engine],
        [typeof(LiquidationsPlanned)] = [BusIdentity.Engine],
        [typeof(EpochClosed)] = [BusIdentity.Prover],
        [typeof(EpochCloseFailed)] = [BusIdentity.Prover],
        [typeof(ReservesObserved)] = [BusIdentity.Prover],
        // Account views feed the api's read model; the api asks for them all when it starts.
        [typeof(AccountViewsChanged)] = [BusIdentity.Engine],
        [typeof(AccountViewsRequested)] = [BusIdentity.Api],
        // The fund's inputs from the engine partition that owns the account (checked below); its movements from the risk role.
        [typeof(LiquidationRecorded)] = [BusIdentity.Engine],
        [typeof(BadDebtRecorded)] = [BusIdentity.Engine],
        [typeof(InsuranceFundChanged)] = [BusIdentity.Risk],
        // Each partition's totals for the net exposure (its own partition's only, checked below); the hedges from the risk role.
        [typeof(ExposureReported)] = [BusIdentity.Engine],
        [typeof(HedgeProposed)] = [BusIdentity.Risk],
        // Auto-deleveraging: the risk role asks, each partition answers for its own accounts (checked below), the risk role plans.
        [typeof(DeleveragingCandidatesRequested)] = [BusIdentity.Risk],
        [typeof(DeleveragingCandidatesReported)] = [BusIdentity.Engine],
        [typeof(DeleveragingPlanned)] = [BusIdentity.Risk],
        // The tree's jobs from the prover alone: a forged one costs workers time, and writes nothing the prover did not plan.
        [typeof(TreeJobRequested)] = [BusIdentity.Prover],
        // The all-accounts proving's batches, to every replica: from the closing prover, or the operator's `prove inclusion --all --bus`.
        [typeof(InclusionBatchRequested)] = [BusIdentity.Prover, BusIdentity.Operator],
    };

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
        // An engine answers for its own partition only: a forged answer for another would replace that
        // partition's liabilities.
        var partition = message switch
        {
            HealthReported r => new EnginePartition(r.Partition, r.PartitionCount),
            AccountViewsChanged r => new EnginePartition(r.Partition, r.PartitionCount),
            ExposureReported r => new EnginePartition(r.Partition, r.PartitionCount),
            DeleveragingCandidatesReported r => new EnginePartition(r.Partition, r.PartitionCount),
            _ => (EnginePartition?)null,
        };
        if (partition is { } claimed && sender.Role != BusIdentity.All && !PartitionIs(claimed, publisher))
        {
            return $"{name} for partition {claimed.Index}/{claimed.Count} from '{publisher}', which is another partition's engine";
        }
        // A liquidation or a deficit only from the partition owning the account: another's would move the fund for an account it does not hold.
        var account = message switch
        {
            LiquidationRecorded r => r.Account,
            BadDebtRecorded r => r.Account,
            _ => null,
        };
        if (account is not null && sender.Role != BusIdentity.All && EnginePartition.FromQueue(publisher) is { } own && !own.Owns(account))
        {
            return $"{name} for account '{account}' from '{publisher}', which does not own it";
        }
        return null;
    }

    private static bool PartitionIs(EnginePartition claimed, string publisher) =>
        claimed.Count >= 1 && claimed.Index >= 0 && claimed.Index < claimed.Count && claimed.Queue == publisher;
}
