using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aggregator.Testing;

namespace Aggregator.IntegrationTests.Solana;

/// <summary>
/// The litesvm-backed JSON-RPC server of deploy/local/solana-test-server (a real SVM running the real SPL
/// Token programs), started on a free 127.0.0.1 port and stopped at the end; a missing install fails
/// the tests with what to run.
/// </summary>
public sealed class SolanaTestServer : IAsyncLifetime, IDisposable
{
    private Process? _process;
    private readonly HttpClient _http = new();
    private int _id;

    public Uri Url { get; private set; } = null!;

    public HttpClient Http => _http;

    public async Task InitializeAsync()
    {
        var script = RepositoryPaths.Combine("deploy", "local", "solana-test-server", "server.mjs");
        if (!Directory.Exists(RepositoryPaths.Combine("deploy", "local", "solana-test-server", "node_modules", "litesvm")))
        {
            throw new InvalidOperationException("the Solana test server is not installed: run `npm ci` in deploy/local/solana-test-server");
        }
        _process = Process.Start(new ProcessStartInfo("node", [script, "0"]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("node did not start");
        var ready = _process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(20))) != ready || ready.Result is not { } line || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the Solana test server did not start within 20 s: {await _process.StandardError.ReadToEndAsync()}");
        }
        Url = new Uri(line["listening ".Length..]);
    }

    public void Dispose() => _http.Dispose();

    public Task DisposeAsync()
    {
        LocalProcesses.Stop(_process);
        return Task.CompletedTask;
    }

    /// <summary>One raw JSON-RPC call, answering the whole response object (for shape checks and setup).</summary>
    public async Task<JsonNode> RawAsync(string method, params JsonNode?[] parameters)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = Interlocked.Increment(ref _id), ["method"] = method, ["params"] = new JsonArray(parameters) };
        using var response = await _http.PostAsync(Url, JsonContent.Create(request));
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public async Task<string> CallAsync(string method, params JsonNode?[] parameters)
    {
        var answer = await RawAsync(method, parameters);
        return answer["result"]?.ToJsonString().Trim('"') ?? throw new InvalidOperationException($"{method}: {answer["error"]}");
    }
}
