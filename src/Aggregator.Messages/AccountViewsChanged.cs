namespace Aggregator.Messages;

/// <summary>
/// What an engine partition shows of its accounts, in rounds after its writes (docs/messages.md, "Account
/// views"): the accounts whose collateral, debts, status or health band the writes changed (every account
/// at the write that completes a rebuild, and in answer to <see cref="AccountViewsRequested"/>), with the
/// blocks applied per chain and the market's prices at that moment. <paramref name="Sequence"/> goes up with
/// each round and each answer, so a reader keeps the newest view of an account whatever order views arrive in.
/// Read by the api role only (its broker user alone may hear it); at most 1,000 accounts a message.
/// </summary>
public sealed record AccountViewsChanged(
    int Partition,
    int PartitionCount,
    ulong Sequence,
    IReadOnlyList<AppliedBlock> Heights,
    IReadOnlyList<AssetQuote> Prices,
    IReadOnlyList<AccountView> Accounts,
    DateTimeOffset At);
