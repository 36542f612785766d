namespace Aggregator.Messages;

/// <summary>A pool fell below the warning health factor (or further): the account should add collateral or repay.</summary>
public sealed record MarginCall(string Account, string? Pool, string Status, decimal? HealthFactor, DateTimeOffset At);

/// <summary>Every margin call of one engine write, in one message (a price tick can call thousands of accounts at once).</summary>
public sealed record MarginCalls(IReadOnlyList<MarginCall> Calls);
