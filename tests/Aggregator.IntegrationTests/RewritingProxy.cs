using System.Text.Json.Nodes;

namespace Aggregator.IntegrationTests;

/// <summary>
/// A JSON-RPC proxy on 127.0.0.1 in front of a real node: it counts calls per method, can rewrite the
/// result of a single request (a Solana node that lies about its slot, an EVM node that reports another
/// chain id) and can act after each answer (the cluster moving on between two requests of one read). Batched requests are forwarded
/// unchanged, with each of their methods counted.
/// </summary>
public sealed class RewritingProxy : IDisposable
{
    private readonly LoopbackProxy _proxy;
    private readonly Dictionary<string, int> _calls = [];

    public RewritingProxy(Uri target, Func<string, JsonNode?, JsonNode?>? rewrite = null, Func<string, Task>? afterAnswer = null)
    {
        rewrite ??= (_, result) => result;
        afterAnswer ??= _ => Task.CompletedTask;
        _proxy = new LoopbackProxy(target.ToString(), async body =>
        {
            var request = JsonNode.Parse(body)!;
            var methods = (request is JsonArray batch ? batch.Select(r => r!["method"]!.GetValue<string>()) : [request["method"]!.GetValue<string>()]).ToArray();
            lock (_calls)
            {
                foreach (var method in methods)
                {
                    _calls[method] = _calls.GetValueOrDefault(method) + 1;
                }
            }
            var answer = JsonNode.Parse(await _proxy!.ForwardAsync(body))!;
            if (answer is JsonObject single && single["result"] is { } result)
            {
                single["result"] = rewrite(methods[0], result.DeepClone());
            }
            foreach (var method in methods.Distinct())
            {
                await afterAnswer(method);
            }
            return answer.ToJsonString();
        });
        Url = new Uri(_proxy.Url);
    }

    public Uri Url { get; }

    public int Calls(string method)
    {
        lock (_calls)
        {
            return _calls.GetValueOrDefault(method);
        }
    }

    public void Dispose() => _proxy.Dispose();
}
