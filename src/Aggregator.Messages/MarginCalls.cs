namespace Aggregator.Messages;

/// <summary>Every margin call of one engine write, in one message (a price tick can call thousands of accounts at once).</summary>
public sealed record MarginCalls(IReadOnlyList<MarginCall> Calls);
