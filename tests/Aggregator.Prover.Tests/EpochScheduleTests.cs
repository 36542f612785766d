using Aggregator.Prover;

namespace Aggregator.Prover.Tests;

public class EpochScheduleTests
{
    [Theory]
    [InlineData(1_767_225_605, 3600, 1_767_229_200)]
    [InlineData(1_767_229_200, 3600, 1_767_232_800)] // on a multiple: the next one
    [InlineData(1_767_225_600, 86_400, 1_767_312_000)]
    public void Scheduled_epochs_fall_on_multiples_of_the_interval_so_owners_can_sign_them_ahead(long now, int every, ulong next) =>
        Assert.Equal(next, EpochSchedule.NextEpoch(DateTimeOffset.FromUnixTimeSeconds(now), TimeSpan.FromSeconds(every)));
}
