namespace Aggregator.Messages;

/// <summary>A pool fell below the warning health factor (or further): the account should add collateral or repay.</summary>
public sealed record MarginCall(string Account, string? Pool, string Status, decimal? HealthFactor, DateTimeOffset At);
