namespace Aggregator.Messages;

/// <summary>
/// A request (answered on the bus by the engine partition that owns the account) for one account's risk
/// sensitivity now: not computed on every write, only when asked (docs/margin.md, "Risk sensitivity").
/// </summary>
public sealed record RiskRequested(string Account);
