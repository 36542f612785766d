using Aggregator.Composition;
using Aggregator.Host.Bus;

namespace Aggregator.Bench;

/// <summary>The bus benchmarks' rows: in memory, then RabbitMQ when a broker URL is given (else a row saying so).</summary>
internal static class BenchTransports
{
    public static async Task ForEach(string? rabbitMq, int columns, Func<string, BusTransport, Task> measure)
    {
        await measure("in memory", BusTransport.InMemory);
        if (rabbitMq is null)
        {
            Console.WriteLine($"| RabbitMQ (durable, confirms) | not run: give a broker URL |{string.Concat(Enumerable.Repeat(" |", columns - 2))}");
            return;
        }
        await measure("RabbitMQ (durable, confirms)", BusTransport.Parse(rabbitMq));
    }
}
