using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Aggregator.Host.Http;

namespace Aggregator.Demo;

/// <summary>
/// A local server this program started on 127.0.0.1 (anvil, the Solana test server): its URL, and on
/// dispose the process and its children stopped by PID and its scratch directory removed.
/// </summary>
public sealed class LocalServer : IDisposable
{
    private readonly Process _process;
    private readonly string? _scratch;

    private LocalServer(Process process, string url, string? scratch = null)
    {
        _process = process;
        Url = url;
        _scratch = scratch;
    }

    public string Url { get; }

    /// <summary>A free TCP port on 127.0.0.1 (free when asked; the server binds it right after).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>anvil (npm @foundry-rs/anvil in contracts/) with <paramref name="chainId"/>, answering eth_chainId.</summary>
    /// <exception cref="InvalidOperationException">anvil is not installed, or does not answer within 15 s.</exception>
    public static async Task<LocalServer> StartAnvilAsync(string repositoryRoot, ulong chainId, CancellationToken cancellationToken)
    {
        var anvil = Path.Combine(repositoryRoot, "contracts", "node_modules", ".bin", "anvil");
        if (!File.Exists(anvil))
        {
            throw new InvalidOperationException($"anvil is not installed: run `npm ci` in contracts/ ({anvil} is missing)");
        }
        var port = FreePort().ToString(CultureInfo.InvariantCulture);
        // anvil moves old states to disk (gigabytes over a long run) and removes them only on a clean
        // exit: a directory of our own, removed when the server stops, since the stop is a kill.
        var states = Directory.CreateTempSubdirectory("aggregator-anvil-").FullName;
        var process = Start(anvil, ["--host", "127.0.0.1", "--port", port, "--chain-id", chainId.ToString(CultureInfo.InvariantCulture), "--silent", "--cache-path", states]);
        var server = new LocalServer(process, $"http://127.0.0.1:{port}", states);
        try
        {
            using var http = ChainHttp.CreateClient();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (true)
            {
                try
                {
                    await JsonRpc.CallAsync(http, server.Url, "eth_chainId", [], cancellationToken).ConfigureAwait(false);
                    return server;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The litesvm JSON-RPC server of deploy/local/solana-test-server, once it says it listens.</summary>
    /// <exception cref="InvalidOperationException">It is not installed, or does not start within 30 s.</exception>
    public static async Task<LocalServer> StartSolanaAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(repositoryRoot, "deploy", "local", "solana-test-server");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "litesvm")))
        {
            throw new InvalidOperationException($"the Solana test server is not installed: run `npm install` in {folder}");
        }
        var process = Start("node", [Path.Combine(folder, "server.mjs"), "0"]);
        var ready = process.StandardOutput.ReadLineAsync(cancellationToken).AsTask();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken)).ConfigureAwait(false) != ready
            || await ready.ConfigureAwait(false) is not { } line || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            Stop(process);
            throw new InvalidOperationException("the Solana test server did not start within 30 s");
        }
        return new LocalServer(process, line["listening ".Length..]);
    }

    public void Dispose()
    {
        Stop(_process);
        if (_scratch is not null && Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private static Process Start(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        process.ErrorDataReceived += (_, _) => { }; // drained, so a chatty server never blocks on a full pipe
        process.BeginErrorReadLine();
        return process;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
    }
}

/// <summary>Plain JSON-RPC over HttpClient, single or batched, for setting up local chains (anvil_*, test_*).</summary>
public static class JsonRpc
{
    /// <exception cref="InvalidOperationException">The node answered with an error.</exception>
    public static async Task<JsonNode?> CallAsync(HttpClient http, string url, string method, JsonArray parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var answers = await BatchAsync(http, url, [(method, parameters)], cancellationToken).ConfigureAwait(false);
        return answers[0];
    }

    /// <summary>Many calls in one request; the results in the order of the calls.</summary>
    /// <exception cref="InvalidOperationException">Any call answered with an error.</exception>
    public static async Task<IReadOnlyList<JsonNode?>> BatchAsync(HttpClient http, string url, IReadOnlyList<(string Method, JsonArray Parameters)> calls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(calls);
        var request = new JsonArray([.. calls.Select((c, i) => new JsonObject { ["jsonrpc"] = "2.0", ["id"] = i, ["method"] = c.Method, ["params"] = c.Parameters })]);
        using var content = new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(url), content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var answers = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!.AsArray();
        var results = new JsonNode?[calls.Count];
        foreach (var answer in answers)
        {
            var id = answer!["id"]!.GetValue<int>();
            if (answer["error"] is { } error)
            {
                throw new InvalidOperationException($"{calls[id].Method} failed: {error.ToJsonString()}");
            }
            results[id] = answer["result"]?.DeepClone();
        }
        return results;
    }
}

/// <summary>Time on a local anvil chain: its latest block's time, and blocks mined to move it on.</summary>
public static class AnvilClock
{
    /// <summary>The time of the chain's latest block.</summary>
    public static async Task<ulong> NowAsync(HttpClient http, string url, CancellationToken cancellationToken = default)
    {
        var latest = await JsonRpc.CallAsync(http, url, "eth_getBlockByNumber", ["latest", false], cancellationToken).ConfigureAwait(false);
        return ulong.Parse(latest!["timestamp"]!.GetValue<string>()[2..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Mines until the latest block's time is after <paramref name="time"/>: a block a second (the chain
    /// holds a state at every second between), or one block straight there when <paramref name="oneBlock"/>;
    /// then <paramref name="more"/> blocks a second apart (anvil finalizes a block 64 blocks back).
    /// </summary>
    public static async Task MinePastAsync(HttpClient http, string url, ulong time, int more = 0, bool oneBlock = false, CancellationToken cancellationToken = default)
    {
        var now = await NowAsync(http, url, cancellationToken).ConfigureAwait(false);
        if (now <= time)
        {
            var (blocks, interval) = oneBlock ? (1UL, time - now + 1) : (time - now + 1, 1UL);
            await JsonRpc.CallAsync(http, url, "anvil_mine", [$"0x{blocks:x}", $"0x{interval:x}"], cancellationToken).ConfigureAwait(false);
        }
        if (more > 0)
        {
            await JsonRpc.CallAsync(http, url, "anvil_mine", [$"0x{more:x}", "0x1"], cancellationToken).ConfigureAwait(false);
        }
    }
}
