using System.Diagnostics.Metrics;

namespace Aggregator.Host.Bus;

/// <summary>The bus's metrics (meter "Aggregator.Bus"), for an operator's dashboard and alerts.</summary>
internal static class BusMetrics
{
    public const string MeterName = "Aggregator.Bus";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Messages refused by a consumer because their publisher may not send them, by message type and publisher.</summary>
    public static readonly Counter<long> Refused = Meter.CreateCounter<long>("aggregator.bus.refused", unit: "{message}", description: "messages refused because their publisher may not send them");
}
