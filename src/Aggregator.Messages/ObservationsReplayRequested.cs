namespace Aggregator.Messages;

/// <summary>
/// An engine replica (re)started and asks every adapter to publish again the latest batch of each chain
/// it follows, so it can rebuild its book before publishing anything. Replicas that already applied those
/// batches pass over them (same chain, height and hash).
/// </summary>
public sealed record ObservationsReplayRequested(string Requester, DateTimeOffset At);
