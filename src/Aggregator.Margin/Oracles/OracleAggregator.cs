using Aggregator.Core.Risk;

namespace Aggregator.Margin.Oracles;

/// <summary>Turns several sources' quotes into one price: the median of the fresh ones, or a freeze.</summary>
public static class OracleAggregator
{
    public static OraclePrice Aggregate(IReadOnlyList<PriceQuote> quotes, OracleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(quotes);
        ArgumentNullException.ThrowIfNull(settings);
        if (quotes.Count == 0)
        {
            throw new ArgumentException("an asset needs at least one price source", nameof(quotes));
        }
        var fresh = quotes
            .Where(q => q.Timestamp <= settings.Now && settings.Now - q.Timestamp <= settings.Staleness)
            .Select(q => q.Price)
            .ToArray();
        if (fresh.Length == 0)
        {
            return new OraclePrice(Median(quotes.Select(q => q.Price).ToArray()), OracleStatus.Stale, 0);
        }
        var median = Median(fresh);
        var spread = fresh.Max() - fresh.Min();
        var outOfBand = median == 0 ? spread > 0 : spread / median > settings.MaxDeviation;
        return new OraclePrice(median, outOfBand ? OracleStatus.Deviation : OracleStatus.Ok, fresh.Length);
    }

    /// <summary>The middle value, or the mean of the two middle values of an even count.</summary>
    public static decimal Median(decimal[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
