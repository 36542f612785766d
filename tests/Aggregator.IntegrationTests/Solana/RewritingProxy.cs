using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Aggregator.IntegrationTests.Solana;

/// <summary>
/// A JSON-RPC proxy on 127.0.0.1 in front of the Solana test server: it counts calls per method, can
/// rewrite a method's result (a node that lies about its slot) and can act after each answer (the
/// cluster moving on between two requests of one read). Single requests only, as the client sends
/// them when it is not batching; batched requests are forwarded with their methods counted.
/// </summary>
public sealed class RewritingProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new();
    private readonly Uri _target;
    private readonly Func<string, JsonNode?, JsonNode?> _rewrite;
    private readonly Func<string, Task> _afterAnswer;
    private readonly Dictionary<string, int> _calls = [];

    public RewritingProxy(Uri target, Func<string, JsonNode?, JsonNode?>? rewrite = null, Func<string, Task>? afterAnswer = null)
    {
        _target = target;
        _rewrite = rewrite ?? ((_, result) => result);
        _afterAnswer = afterAnswer ?? (_ => Task.CompletedTask);
        Url = new Uri($"http://127.0.0.1:{LocalProcesses.FreePort()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = Task.Run(Serve);
    }

    public Uri Url { get; }

    public int Calls(string method)
    {
        lock (_calls)
        {
            return _calls.GetValueOrDefault(method);
        }
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var request = JsonNode.Parse(body)!;
            var methods = (request is JsonArray batch ? batch.Select(r => r!["method"]!.GetValue<string>()) : [request["method"]!.GetValue<string>()]).ToArray();
            lock (_calls)
            {
                foreach (var method in methods)
                {
                    _calls[method] = _calls.GetValueOrDefault(method) + 1;
                }
            }
            using var forwarded = await _client.PostAsync(_target, new StringContent(body, Encoding.UTF8, "application/json"));
            var answer = JsonNode.Parse(await forwarded.Content.ReadAsStringAsync())!;
            if (answer is JsonObject single && single["result"] is { } result)
            {
                single["result"] = _rewrite(methods[0], result.DeepClone());
            }
            foreach (var method in methods.Distinct())
            {
                await _afterAnswer(method);
            }
            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _client.Dispose();
    }
}
