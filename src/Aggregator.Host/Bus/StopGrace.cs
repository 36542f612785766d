namespace Aggregator.Host.Bus;

/// <summary>
/// The token the roles' background loops publish with: cancelled a grace after the host starts stopping,
/// not when it starts. The roles' services stop before the bus does (the host stops its services in the
/// reverse order of registration, and the bus's comes first), so a publish in flight at a stop finishes
/// on a bus that is still up, instead of being cut off mid-send: that lost what was being sent (a price
/// tick's margin calls, say) and MassTransit logged it as an error-level fault (S-FAULT) at every clean
/// stop. A publish that cannot finish within the grace (the broker away) is cancelled then. One grace for
/// the whole process: services stuck on an absent broker add at most one grace to a stop between them.
/// </summary>
internal sealed class StopGrace : IDisposable
{
    /// <summary>Well inside the host's shutdown timeout (30 s), far beyond a publication's round (tens of ms).</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _stopping;

    /// <param name="stopping">When the grace starts (the host's <c>ApplicationStopping</c>).</param>
    public StopGrace(TimeProvider clock, TimeSpan grace, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
        _stopping = stopping.Register(() => _source.CancelAfter(grace));
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        _stopping.Dispose(); // waits for a callback in progress: CancelAfter never meets a disposed source
        _source.Dispose();
    }
}
