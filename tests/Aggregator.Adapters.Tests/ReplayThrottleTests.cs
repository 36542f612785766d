using Aggregator.Adapters;

namespace Aggregator.Adapters.Tests;

public class ReplayThrottleTests
{
    [Fact]
    public void A_flood_of_replay_requests_from_one_requester_is_answered_once_per_interval()
    {
        var clock = new Aggregator.Testing.ManualClock();
        var throttle = new ReplayThrottle(clock);
        Assert.Equal(1, Enumerable.Range(0, 100).Count(_ => throttle.Admit("engine-0-of-2")));
        Assert.True(throttle.Admit("prover")); // another requester is not held up by the first
        clock.Now += ReplayThrottle.Interval - TimeSpan.FromMilliseconds(1);
        Assert.False(throttle.Admit("engine-0-of-2"));
        clock.Now += TimeSpan.FromMilliseconds(1);
        Assert.True(throttle.Admit("engine-0-of-2")); // a rebuilding engine asking every 5 s is always answered
    }
}
