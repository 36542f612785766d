using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Aggregator.Api;
using Aggregator.Api.Access;
using Aggregator.Api.Accounts;
using Aggregator.Api.Events;
using Aggregator.Composition;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Positions;
using Aggregator.Demo;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using Aggregator.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Bench;

/// <summary>
/// The api role under load on 127.0.0.1, load generator on the same 2 cores (issue 22): GET
/// /v1/accounts/{id} over a read model of N accounts with Debian's wrk (beside /health/live, the
/// framework's floor, in the same run); the server-sent events fanned out to many subscribers (deliveries
/// a second and delivery latency); the time of each kind of refusal (in process and over HTTP).
/// </summary>
internal static class ApiBenchmark
{
    public static async Task Run(int accounts, int seconds, int subscribers, int eventsPerSecond)
    {
        Console.WriteLine($"# api: {accounts:N0} accounts, wrk {seconds} s, {subscribers} SSE subscribers");
        Console.WriteLine($"machine: {Machine.Describe()}");
        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-api-").FullName;
        try
        {
            var credentials = Path.Combine(workspace, "credentials.json");
            var (owner, _) = CredentialStore.Change(credentials, s => s.Issue("account-1", DateTimeOffset.UtcNow, null));
            var (expired, _) = CredentialStore.Change(credentials, s => s.Issue("account-1", DateTimeOffset.UtcNow - TimeSpan.FromDays(2), TimeSpan.FromDays(1)));
            var (key, hash) = ProtocolKey.Generate();
            var port = LocalServer.FreePort();
            var settings = new ApiSettings(new Uri($"http://127.0.0.1:{port}"), Path.Combine(workspace, "epochs"), Path.Combine(workspace, "cache"), credentials)
            {
                ProtocolKeys = [new ProtocolKey("bench", Convert.FromHexString(hash), null)],
                RequestsPerSecondPerAddress = 1_000_000,
                RequestsPerSecondPerKey = 1_000_000,
            };
            using var host = AggregatorHost.Build(new HostPlan(BusTransport.InMemory) { Api = settings, LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning });
            await host.StartAsync();
            var model = host.Services.GetRequiredService<AccountReadModel>();
            var fill = Stopwatch.StartNew();
            Fill(model, accounts);
            Console.WriteLine($"read model: {model.Count:N0} accounts written as answers in {fill.Elapsed.TotalSeconds:F1} s, {GC.GetTotalMemory(true) >> 20} MiB managed heap");
            var address = $"http://127.0.0.1:{port}";

            Console.WriteLine();
            Console.WriteLine("## GET /v1/accounts/{id} (random accounts, protocol key) beside GET /health/live, wrk -t1 -c64 --latency");
            Wrk(address, "/health/live", seconds, accounts, key);
            Wrk(address, "/v1/accounts/{random}", seconds, accounts, key);

            Console.WriteLine();
            Console.WriteLine("## refusals: the same work whatever the reason (AccessPolicy.Authorize, in process, 200,000 each)");
            var access = host.Services.GetRequiredService<AccessPolicy>();
            var cases = new (string Why, string Header, string Account)[]
            {
                ("good credential, own account (served)", "Bearer " + owner, "account-1"),
                ("wrong credential", "Bearer " + owner[..^1] + (owner[^1] == 'A' ? 'B' : 'A'), "account-1"),
                ("credential id never issued", "Bearer agc_0123456789abcdef_" + owner[^43..], "account-1"),
                ("expired credential", "Bearer " + expired, "account-1"),
                ("another account's credential", "Bearer " + owner, "account-2"),
                ("owner asking for an account that does not exist", "Bearer " + owner, "nobody"),
                ("no credential", "", "account-1"),
            };
            foreach (var (why, header, account) in cases)
            {
                var times = new double[200_000];
                for (var i = 0; i < times.Length; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    _ = access.Authorize(header, account);
                    times[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
                }
                Array.Sort(times);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {why,-50} median {times[times.Length / 2],6:F0} ns  p99 {times[times.Length * 99 / 100],6:F0} ns"));
            }
            Console.WriteLine("  over HTTP (GET /v1/accounts/{account}, one connection, the kinds interleaved, 2,000 of each after 200 rounds of warm-up):");
            using (var http = new HttpClient { BaseAddress = new Uri(address) })
            {
                var times = cases.Select(_ => new List<double>()).ToArray();
                for (var round = 0; round < 2_200; round++)
                {
                    for (var c = 0; c < cases.Length; c++)
                    {
                        var (_, header, account) = cases[c];
                        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/v1/accounts/{account}", UriKind.Relative));
                        if (header.Length > 0)
                        {
                            request.Headers.TryAddWithoutValidation("Authorization", header);
                        }
                        var start = Stopwatch.GetTimestamp();
                        using var response = await http.SendAsync(request);
                        await response.Content.ReadAsByteArrayAsync();
                        if (round >= 200)
                        {
                            times[c].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                        }
                    }
                }
                for (var c = 0; c < cases.Length; c++)
                {
                    var sorted = times[c].Order().ToArray();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {cases[c].Why,-50} median {sorted[sorted.Length / 2],6:F0} us  p99 {sorted[sorted.Length * 99 / 100],6:F0} us"));
                }
            }

            Console.WriteLine();
            await FanOut(host, address, key, subscribers, eventsPerSecond, seconds);
            await host.StopAsync();
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    /// <summary>
    /// On-demand inclusion proofs through the API from one prover replica (in-memory bus): an epoch of
    /// 1,000 accounts at D = 20, K = 4, published; <paramref name="proofs"/> distinct accounts asked one
    /// after another (each proved, checked and cached), then asked again (served from the cache).
    /// </summary>
    public static async Task RunInclusion(int proofs, bool precompute)
    {
        Console.WriteLine($"# api: on-demand inclusion proofs, one prover replica, {proofs} accounts, window multiples {(precompute ? "built" : "not built")}");
        Console.WriteLine($"machine: {Machine.Describe()}");
        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-inclusion-").FullName;
        try
        {
            var parameters = SyntheticBook.Parameters;
            var rows = SyntheticBook.Rows(1000, seed: 5);
            var tree = Commitment.MerkleSumTree.Build(parameters, rows, Commitment.EpochSecret.Generate());
            const string publisher = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
            var epochs = Path.Combine(workspace, "epochs");
            var directory = Path.Combine(epochs, "1700000000");
            Commitment.EpochDirectory.Write(directory, tree, Commitment.EpochSecret.Generate(), 1_700_000_000, Commitment.PublisherAddress.Parse(publisher), DateTimeOffset.UtcNow);
            var manifest = Commitment.EpochDirectory.ReadManifest(directory);
            Commitment.EpochDirectory.UpdateManifest(directory, manifest with
            {
                Reserves = [.. manifest.Assets.Select(a => new Commitment.EpochManifest.ReserveEntry(a.Symbol, "1", "1", 10_000))],
                Publication = new Commitment.EpochManifest.PublicationEntry("eip155:31337", "0x5fbdb2315678afecb367f032d93f642f64180aa3", publisher, "0x" + new string('a', 64)),
            });
            var (key, hash) = ProtocolKey.Generate();
            var port = LocalServer.FreePort();
            var plan = new HostPlan(BusTransport.InMemory)
            {
                Api = new ApiSettings(new Uri($"http://127.0.0.1:{port}"), epochs, Path.Combine(workspace, "cache"), Path.Combine(workspace, "credentials.json"))
                {
                    ProtocolKeys = [new ProtocolKey("bench", Convert.FromHexString(hash), null)],
                },
                Prover = new Prover.ProverSettings(Path.Combine(workspace, "unused.json"), epochs, parameters, [], Path.Combine(workspace, "unused.key"), null, null) { PrecomputeBases = precompute },
                LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            };
            using var host = AggregatorHost.Build(plan);
            await host.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            async Task<double> Ask(int account)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(new Uri($"/v1/epochs/{publisher}/1700000000/inclusion", UriKind.Relative),
                    new StringContent($$"""{ "account": "account-{{account}}" }""", Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            var first = await Ask(999);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first request (keys and tree loaded): {first:F0} ms"));
            if (precompute)
            {
                // The window multiples are built in the background after the keys load: wait for them (the next requests would race them).
                await Task.Delay(TimeSpan.FromSeconds(30));
            }
            var clock = Stopwatch.StartNew();
            var times = new List<double>();
            for (var i = 0; i < proofs; i++)
            {
                times.Add(await Ask(i));
            }
            var elapsed = clock.Elapsed.TotalSeconds;
            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"proved on demand: {proofs} in {elapsed:F1} s = {proofs / elapsed:F2} proofs/s; per request median {times[times.Count / 2]:F0} ms, p99 {times[^1]:F0} ms (prove, check against the manifest, cache)"));
            clock.Restart();
            for (var i = 0; i < proofs; i++)
            {
                await Ask(i);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"asked again (cached): {proofs / clock.Elapsed.TotalSeconds:F0} answers/s"));
            await host.StopAsync();
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    // Views as an engine sends them: collateral on three chains, one debt, in messages of 1,000.
    private static void Fill(AccountReadModel model, int accounts)
    {
        var eth = ChainId.Evm(1);
        var arbitrum = ChainId.Evm(42161);
        var solana = new ChainId(ChainFamily.Solana, "mainnet");
        AppliedBlock[] heights = [new(eth, 21_000_000, "0x" + new string('a', 64)), new(arbitrum, 300_000_000, "0x" + new string('b', 64)), new(solana, 330_000_000, "")];
        AssetQuote[] prices = [new(new AssetId("ETH"), 3000m, "ok", []), new(new AssetId("SOL"), 150m, "ok", []), new(new AssetId("USDC"), 1m, "ok", [])];
        for (var start = 0; start < accounts; start += 1000)
        {
            var views = Enumerable.Range(start, Math.Min(1000, accounts - start)).Select(i => new AccountView(
                $"account-{i}",
                [new CollateralPosition(eth, new AssetId("ETH"), new Amount(1_500_000_000_000_000_000UL + (ulong)i, 18)),
                 new CollateralPosition(arbitrum, new AssetId("USDC"), new Amount(250_000_000 + i, 6)),
                 new CollateralPosition(solana, new AssetId("SOL"), new Amount(12_000_000_000UL + (ulong)i, 9))],
                [new Debt(new AssetId("USDC"), new Amount(3_000_000_000 + i, 6))],
                "healthy", 1.3125m, 6550m, 3000m, 2100m, null)).ToArray();
            model.Apply(new AccountViewsChanged(0, 1, 1, heights, prices, views, DateTimeOffset.UtcNow));
        }
    }

    private static void Wrk(string address, string path, int seconds, int accounts, string key)
    {
        var script = Path.Combine(RepositoryPaths.Root, "bench", "accounts.lua");
        var arguments = path == "/v1/accounts/{random}"
            ? new[] { "-t1", "-c64", $"-d{seconds}s", "--latency", "-s", script, address }
            : ["-t1", "-c64", $"-d{seconds}s", "--latency", address + path];
        var start = new ProcessStartInfo("wrk", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ACCOUNTS"] = accounts.ToString(CultureInfo.InvariantCulture);
        start.Environment["KEY"] = key;
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk)");
        var output = wrk.StandardOutput.ReadToEnd();
        wrk.WaitForExit();
        var lines = output.Split('\n');
        string Line(string prefix) => lines.FirstOrDefault(l => l.TrimStart().StartsWith(prefix, StringComparison.Ordinal))?.Trim() ?? "?";
        Console.WriteLine($"  {path,-24} {Line("Requests/sec")}; latency {Line("50%")}, {Line("99%")}; {Line("Non-2xx")}");
    }

    private static async Task FanOut(IHost host, string address, string key, int subscribers, int eventsPerSecond, int seconds)
    {
        Console.WriteLine($"## GET /v1/events: {subscribers} subscribers (one key reading every account), {eventsPerSecond:N0} health changes a second for {seconds} s, in a batch every 50 ms as the engine publishes a write's changes");
        var stream = host.Services.GetRequiredService<EventStream>();
        var sentAt = new ConcurrentDictionary<long, long>();
        var latencies = new ConcurrentBag<double>();
        long delivered = 0;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = subscribers + 4 }) { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var stop = new CancellationTokenSource();
        var connected = 0;
        var readers = Enumerable.Range(0, subscribers).Select(_ => Task.Run(async () =>
        {
            using var response = await http.GetAsync(new Uri("/v1/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, stop.Token);
            using var body = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token), Encoding.UTF8);
            Interlocked.Increment(ref connected);
            try
            {
                while (await body.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        var id = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                        if (sentAt.TryGetValue(id, out var at))
                        {
                            latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                        }
                        Interlocked.Increment(ref delivered);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        })).ToArray();
        while (Volatile.Read(ref connected) < subscribers)
        {
            await Task.Delay(20);
        }
        var clock = Stopwatch.StartNew();
        var published = 0L;
        // The engine publishes a write's changes together (up to 1,000 a message): here a batch every 50 ms.
        var batch = Math.Clamp(eventsPerSecond / 20, 1, 1000);
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            // Keep to the rate: publish what is due now.
            var due = (long)(clock.Elapsed.TotalSeconds * eventsPerSecond);
            while (published < due)
            {
                var changes = new AccountsHealthChanged([.. Enumerable.Range(0, batch).Select(i => new AccountHealthChanged($"account-{(published + i) % 1_000_000}", null, "healthy", "margin_call", 3, 2, 1.05m, DateTimeOffset.UtcNow))]);
                var first = stream.Newest + 1;
                var now = Stopwatch.GetTimestamp();
                for (var i = 0; i < batch; i++)
                {
                    sentAt[first + i] = now;
                }
                stream.Publish(changes);
                published += batch;
            }
            await Task.Delay(5);
        }
        var elapsed = clock.Elapsed.TotalSeconds;
        var expected = published * subscribers;
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref delivered) < expected && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
        var total = Interlocked.Read(ref delivered);
        await stop.CancelAsync();
        await Task.WhenAll(readers).ContinueWith(_ => { }, TaskScheduler.Default);
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  published {published:N0} events ({published / elapsed:N0}/s); delivered {total:N0} of {expected:N0} ({total / (elapsed + deadline.Elapsed.TotalSeconds):N0} deliveries/s over {elapsed + deadline.Elapsed.TotalSeconds:F1} s); delivery latency median {sorted[sorted.Length / 2]:F1} ms, p99 {sorted[sorted.Length * 99 / 100]:F1} ms, max {sorted[^1]:F1} ms"));
    }

}
