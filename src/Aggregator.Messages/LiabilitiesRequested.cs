namespace Aggregator.Messages;

/// <summary>
/// The prover asks every engine partition for its accounts' liabilities as of one consistent snapshot
/// (docs/messages.md, "Closing an epoch"). Each partition answers with a <see cref="LiabilitiesReported"/>
/// carrying the same <paramref name="RequestId"/>.
/// </summary>
public sealed record LiabilitiesRequested(Guid RequestId, ulong Epoch);
