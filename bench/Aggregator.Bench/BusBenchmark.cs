using System.Diagnostics;
using System.Globalization;
using Aggregator.Core.Observations;
using Aggregator.Composition;
using Aggregator.Host.Bus;
using Aggregator.Engine;
using Aggregator.Messages;
using Aggregator.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Bench;

/// <summary>
/// Balance observations through the bus into the engine: an adapter's stream of batches (one per height,
/// published in order, each confirmed) consumed by the engine role, health current after each batch,
/// timed after every account's first balance is in (a rebuilt book).
/// Beside it in the same run, the anchor: the same messages to a consumer that does nothing (what the
/// bus alone carries). In memory, and over RabbitMQ when a broker URL is given.
/// </summary>
internal static class BusBenchmark
{
    /// <summary>Counts what reaches it and does nothing else: the bus's own cost.</summary>
    public sealed class NoOpConsumer(NoOpConsumer.Counter counter) : IConsumer<CollateralObserved>
    {
        public sealed class Counter
        {
            private long _height;

            public ulong Height => (ulong)Interlocked.Read(ref _height);

            public void Saw(ulong height) => Interlocked.Exchange(ref _height, (long)height);
        }

        public Task Consume(ConsumeContext<CollateralObserved> context)
        {
            counter.Saw(context.Message.Batch.Height);
            return Task.CompletedTask;
        }
    }

    /// <param name="rabbitMq">The broker's URL (<c>amqps://127.0.0.1:PORT/</c>), or null.</param>
    /// <param name="credentials">The folder of each broker user's credentials folder (the second line <c>deploy/local/rabbitmq.sh start</c> prints).</param>
    public static async Task Run(int accounts, int batches, int batchSize, string? rabbitMq, string? credentials)
    {
        Broker.CredentialsRoot = credentials;
        if (rabbitMq is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(credentials, "the folder of the broker users' credentials folders");
            rabbitMq = new UriBuilder(rabbitMq) { UserName = BusIdentity.Engine }.Uri.ToString();
            Environment.SetEnvironmentVariable(BusTransport.CredentialsVariable, Path.Combine(credentials, BusIdentity.Engine));
        }
        Console.WriteLine($"# Bus into the engine: {accounts:N0} accounts, {batches:N0} batches of {batchSize:N0} observations");
        Console.WriteLine($"machine: {Machine.Describe()}");
        // The product's executable runs the server collector; this program the workstation one unless told
        // (DOTNET_gcServer=1), so that the other benchmarks keep theirs.
        Console.WriteLine($"garbage collector: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        Console.WriteLine();
        var settings = EngineFixtures.Settings(accounts);
        var random = new Random(1);
        // Before the timed stream, every account's first balance (a running engine's book, as after its
        // rebuild): a fresh book's first touch of each account costs page faults the running engine paid once.
        var rebuild = Enumerable.Range(0, (accounts + RebuildBatch - 1) / RebuildBatch).Select(b => EngineFixtures.Batch((ulong)b + 1, $"0xr{b:x}",
            [.. Enumerable.Range(b * RebuildBatch, Math.Min(RebuildBatch, accounts - (b * RebuildBatch))).Select(i => (i, EngineFixtures.OneEth))])).ToArray();
        var first = (ulong)rebuild.Length + 1;
        var stream = Enumerable.Range(0, batches).Select(h => EngineFixtures.Batch(first + (ulong)h, $"0x{h:x}",
            [.. Enumerable.Range(0, batchSize).Select(_ => (random.Next(accounts), (ulong)random.Next(1, 5000) * (EngineFixtures.OneEth / 1000)))])).ToArray();

        // The engine alone, no bus: the same batches applied directly, health changes taken after each;
        // on a fresh book (every account touched for the first time) and on a rebuilt one.
        var fresh = new EngineBook(settings.CreateBook());
        var alone = new EngineBook(settings.CreateBook());
        foreach (var batch in rebuild)
        {
            alone.Apply(batch);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine alone (no bus): {Rate(fresh, stream):N0} observations/s on a fresh book, {Rate(alone, stream):N0} on a rebuilt one"));
        Console.WriteLine();
        Console.WriteLine("| transport | engine: observations/s (health current after each batch) | anchor, no-op consumer: observations/s |");
        Console.WriteLine("|---|---:|---:|");
        await BenchTransports.ForEach(rabbitMq, 3, async (name, transport) =>
        {
            var engine = await Measure(transport, settings, rebuild, stream, withEngine: true);
            var anchor = await Measure(transport, settings, rebuild, stream, withEngine: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {engine:N0} | {anchor:N0} |"));
        });
    }

    private const int RebuildBatch = 10_000;

    private static double Rate(EngineBook engine, ObservationBatch[] stream)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in stream)
        {
            engine.Apply(batch);
        }
        return stream.Sum(b => b.Balances.Count) / watch.Elapsed.TotalSeconds;
    }

    // Batches in flight at once: published in order and each confirmed, as an adapter publishes the parts
    // of a chain's batch (PublishBatch), without waiting for one confirm before sending the next.
    private const int InFlight = 8;

    private static async Task PublishInOrder(IPublishEndpoint endpoint, ObservationBatch[] batches)
    {
        var pending = new Queue<Task>();
        foreach (var batch in batches)
        {
            if (pending.Count == InFlight)
            {
                await pending.Dequeue();
            }
            pending.Enqueue(endpoint.Publish(new CollateralObserved(batch)));
        }
        await Task.WhenAll(pending);
    }

    /// <summary>The broker as each role's user: the URL's user replaced, that user's folder under the folder of credentials folders.</summary>
    private static class Broker
    {
        public static string? CredentialsRoot { get; set; }

        /// <summary>The local broker's processor time so far (deploy/local/rabbitmq.sh writes its pid beside the credentials), or null when there is no such broker.</summary>
        public static TimeSpan? Cpu()
        {
            if (CredentialsRoot is null)
            {
                return null;
            }
            try
            {
                var pid = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(CredentialsRoot.TrimEnd('/')))!, "rabbitmq.pid")).Trim();
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // utime and stime, fields 14 and 15, in clock ticks of 1/100 s (counted after the command's parenthesis).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return TimeSpan.FromMilliseconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10);
            }
            catch (IOException)
            {
                return null; // no pid file, or the broker has exited
            }
        }

        public static BusTransport As(BusTransport transport, string user) => BusTransport.Parse(
            new UriBuilder(transport.RabbitMq!) { UserName = user }.Uri.ToString(), Path.Combine(CredentialsRoot!, user));
    }

    private static async Task<double> Measure(BusTransport transport, EngineSettings settings, ObservationBatch[] rebuild, ObservationBatch[] stream, bool withEngine)
    {
        // Over RabbitMQ as the roles run: the batches published by the adapter's broker user, taken by the
        // engine's on a queue of its own (its permissions allow "engine.*"), the anchor the same.
        var publisherTransport = transport.RabbitMq is null ? null : Broker.As(transport, BusIdentity.Adapter);
        var engineTransport = publisherTransport is null ? transport : Broker.As(transport, BusIdentity.Engine);
        var queue = $"{BusIdentity.Engine}.bench-{Guid.NewGuid():N}";
        var counter = new NoOpConsumer.Counter();
        var plan = new HostPlan(engineTransport) { Engine = withEngine ? settings : null, EngineQueue = queue };
        using var host = AggregatorHost.Build(plan, bus =>
        {
            // The queue goes with the run: left bound, every later run's batches would pile up in it,
            // and the broker slow down from run to run (it did, to 3.7 GB).
            bus.AddConfigureEndpointsCallback((name, endpoint) =>
            {
                if (name == queue && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.AutoDelete = true;
                }
            });
            if (!withEngine)
            {
                bus.AddSingleton(counter);
                bus.AddConsumer<NoOpConsumer>().Endpoint(e =>
                {
                    e.Name = queue;
                    e.ConcurrentMessageLimit = 1;
                });
            }
        });
        using var publisher = publisherTransport is null ? null : AggregatorHost.Build(new HostPlan(publisherTransport));
        await host.StartAsync();
        if (publisher is not null)
        {
            await publisher.StartAsync();
        }
        try
        {
            var engine = withEngine ? host.Services.GetRequiredService<EngineBook>() : null;
            var endpoint = (publisher ?? host).Services.GetRequiredService<IPublishEndpoint>();
            await PublishInOrder(endpoint, rebuild);
            await WaitFor(rebuild[^1].Height);
            var last = stream[^1].Height;
            var paused = GC.GetTotalPauseDuration();
            var collections = GC.CollectionCount(0);
            var allocated = GC.GetTotalAllocatedBytes();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var brokerCpu = Broker.Cpu();
            var watch = Stopwatch.StartNew();
            await PublishInOrder(endpoint, stream);
            await WaitFor(last);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(withEngine ? "engine" : "anchor")}: {watch.Elapsed.TotalMilliseconds:F0} ms, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / watch.Elapsed.TotalMilliseconds:F2} cores busy{(brokerCpu is null || Broker.Cpu() is not { } brokerCpuAfter ? "" : $" (the broker {(brokerCpuAfter - brokerCpu.Value).TotalMilliseconds / watch.Elapsed.TotalMilliseconds:F2})")}, {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms paused in {GC.CollectionCount(0) - collections} collections, {(GC.GetTotalAllocatedBytes() - allocated) / (double)stream.Sum(b => b.Balances.Count):F0} bytes allocated an observation"));
            var rate = stream.Sum(b => b.Balances.Count) / watch.Elapsed.TotalSeconds;
            if (engine is not null)
            {
                // Every batch applied, in order: each account holds what the stream's last word on it says
                // (a batch passed over as older would leave its accounts behind).
                var eth = engine.Book.Assets.ToList().IndexOf(EngineFixtures.Eth);
                var expected = new Dictionary<string, System.Numerics.BigInteger>();
                foreach (var balance in stream.SelectMany(b => b.Balances))
                {
                    expected[balance.Address] = balance.Amount.BaseUnits;
                }
                var wrong = expected.Count(e => engine.Book.HeldOn(int.Parse(e.Key.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) - 1, 0, eth) != (UInt128)e.Value);
                if (wrong > 0)
                {
                    throw new InvalidOperationException($"{wrong} accounts do not hold what the stream last said: a batch was not applied, or out of order");
                }
            }
            return rate;

            async Task WaitFor(ulong height)
            {
                while ((engine?.AppliedHeight(EngineFixtures.Ethereum) ?? counter.Height) != height)
                {
                    await Task.Delay(1);
                }
            }
        }
        finally
        {
            if (publisher is not null)
            {
                await publisher.StopAsync();
            }
            await host.StopAsync();
        }
    }
}
