namespace Aggregator.Messages;

/// <summary>
/// The api asks every engine partition for all its account views (when it starts, so its read model
/// does not wait for each account's next change). Each partition answers to the requester's own queue
/// with <see cref="AccountViewsChanged"/> messages.
/// </summary>
public sealed record AccountViewsRequested(Guid RequestId);
