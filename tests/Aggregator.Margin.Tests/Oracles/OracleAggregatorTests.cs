using Aggregator.Core.Risk;
using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Tests.Oracles;

public class OracleAggregatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly OracleSettings Settings = new(Now, TimeSpan.FromSeconds(60), 0.02m);

    private static PriceQuote Quote(decimal price, int secondsAgo) => new($"s{price}", price, Now.AddSeconds(-secondsAgo));

    [Fact]
    public void Price_is_the_median_of_fresh_sources()
    {
        var price = OracleAggregator.Aggregate([Quote(2000, 10), Quote(2010, 5), Quote(1995, 30)], Settings);
        Assert.Equal(2000m, price.Price);
        Assert.Equal(OracleStatus.Ok, price.Status);
        Assert.Equal(3, price.FreshSources);
    }

    [Fact]
    public void An_even_count_takes_the_mean_of_the_middle_two()
    {
        Assert.Equal(2005m, OracleAggregator.Aggregate([Quote(2000, 1), Quote(2010, 1), Quote(1990, 1), Quote(2020, 1)], Settings).Price);
    }

    [Fact]
    public void Stale_sources_are_ignored()
    {
        var price = OracleAggregator.Aggregate([Quote(2000, 10), Quote(3000, 61), Quote(2002, 60)], Settings);
        Assert.Equal(2001m, price.Price);
        Assert.Equal(OracleStatus.Ok, price.Status);
    }

    [Fact]
    public void Sources_from_the_future_are_not_fresh()
    {
        var price = OracleAggregator.Aggregate([Quote(2000, 10), Quote(9999, -30)], Settings);
        Assert.Equal(2000m, price.Price);
        Assert.Equal(1, price.FreshSources);
    }

    [Fact]
    public void No_fresh_source_freezes_the_asset()
    {
        var price = OracleAggregator.Aggregate([Quote(2000, 61), Quote(2100, 600)], Settings);
        Assert.Equal(OracleStatus.Stale, price.Status);
        Assert.True(price.Frozen);
        Assert.Equal(2050m, price.Price);
    }

    [Fact]
    public void Fresh_sources_further_apart_than_the_limit_freeze_the_asset()
    {
        // (2041 - 2000) / 2000 = 2.05% > 2%
        Assert.Equal(OracleStatus.Deviation, OracleAggregator.Aggregate([Quote(2000, 1), Quote(2041, 1), Quote(2020, 1)], Settings).Status);
        // (2040 - 2000) / 2020 = 1.98% <= 2%
        Assert.Equal(OracleStatus.Ok, OracleAggregator.Aggregate([Quote(2000, 1), Quote(2040, 1), Quote(2020, 1)], Settings).Status);
    }
}
