using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Chains.Resilience;
using Aggregator.Core.Chains;

namespace Aggregator.Chains.Solana.Rpc;

/// <summary>
/// The few Solana JSON-RPC methods the adapter needs, on HttpClient and System.Text.Json: getSlot,
/// getBalance, getMultipleAccounts and getTokenAccountsByOwner (jsonParsed), all at commitment
/// finalized and, after the slot is pinned, with minContextSlot. Many owners go in one JSON-RPC batch.
/// Every answer keeps the slot of its context. Each HTTP request has its own timeout and retries
/// (the shared <see cref="RpcPipeline"/>), so one slow request never eats a whole sweep's budget.
/// </summary>
public sealed class SolanaRpcClient
{
    /// <summary>Requests per JSON-RPC batch.</summary>
    public const int BatchSize = 100;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly RpcPipeline _pipeline;

    public SolanaRpcClient(HttpClient http, Uri endpoint, RpcResilienceOptions? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        _http = http;
        _endpoint = endpoint;
        _pipeline = new RpcPipeline(resilience ?? new RpcResilienceOptions(), error => error is SolanaRpcException or JsonException);
    }

    public async Task<ulong> GetSlotAsync(CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("getSlot", new JsonArray(new JsonObject { ["commitment"] = "finalized" }), cancellationToken).ConfigureAwait(false);
        return result.GetValue<ulong>();
    }

    /// <summary>Lamports of each owner, batched, at or after <paramref name="minContextSlot"/>.</summary>
    internal async Task<IReadOnlyList<Slotted<ulong>>> GetBalancesAsync(IReadOnlyList<string> owners, ulong minContextSlot, CancellationToken cancellationToken = default)
    {
        var results = await BatchAsync(owners.Select(owner => ("getBalance", new JsonArray(owner, Config(minContextSlot)))).ToList(), cancellationToken).ConfigureAwait(false);
        return results.Select(r => new Slotted<ulong>(ContextSlot(r), r["value"]!.GetValue<ulong>())).ToArray();
    }

    /// <summary>Each owner's token accounts under one token program, batched, at or after <paramref name="minContextSlot"/>.</summary>
    internal async Task<IReadOnlyList<Slotted<IReadOnlyList<TokenAccount>>>> GetTokenAccountsByOwnerAsync(
        IReadOnlyList<string> owners, string programId, ulong minContextSlot, CancellationToken cancellationToken = default)
    {
        var requests = owners.Select(owner =>
        {
            var config = Config(minContextSlot);
            config["encoding"] = "jsonParsed";
            return ("getTokenAccountsByOwner", new JsonArray(owner, new JsonObject { ["programId"] = programId }, config));
        }).ToList();
        var results = await BatchAsync(requests, cancellationToken).ConfigureAwait(false);
        return results.Select(r => new Slotted<IReadOnlyList<TokenAccount>>(ContextSlot(r), r["value"]!.AsArray().Select(ParseTokenAccount).ToArray())).ToArray();
    }

    /// <summary>Raw accounts, null where none exists; at most 100 per call, each with its call's context slot.</summary>
    internal async Task<IReadOnlyList<Slotted<SolanaAccount?>>> GetMultipleAccountsAsync(IReadOnlyList<string> addresses, ulong minContextSlot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var accounts = new List<Slotted<SolanaAccount?>>();
        foreach (var chunk in addresses.Chunk(BatchSize))
        {
            var config = Config(minContextSlot);
            config["encoding"] = "base64";
            var result = await CallAsync("getMultipleAccounts", new JsonArray(new JsonArray([.. chunk.Select(a => JsonValue.Create(a))]), config), cancellationToken).ConfigureAwait(false);
            var slot = ContextSlot(result);
            foreach (var account in result["value"]!.AsArray())
            {
                accounts.Add(new(slot, account is null ? null : new SolanaAccount(
                    Convert.FromBase64String(account["data"]![0]!.GetValue<string>()),
                    account["owner"]!.GetValue<string>(),
                    account["lamports"]!.GetValue<ulong>(),
                    // 2^64 − 1 on current validators: an unsigned 64-bit read, never a double.
                    ulong.Parse(account["rentEpoch"]!.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture))));
            }
        }
        return accounts;
    }

    private static ulong ContextSlot(JsonNode result) =>
        result["context"]?["slot"]?.GetValue<ulong>() ?? throw new SolanaRpcException(-32603, "an answer has no context.slot");

    private static JsonObject Config(ulong minContextSlot) => new() { ["commitment"] = "finalized", ["minContextSlot"] = minContextSlot };

    private static TokenAccount ParseTokenAccount(JsonNode? node)
    {
        var info = node!["account"]!["data"]!["parsed"]!["info"]!;
        var amount = info["tokenAmount"]!;
        return new TokenAccount(
            node["pubkey"]!.GetValue<string>(),
            info["mint"]!.GetValue<string>(),
            info["owner"]!.GetValue<string>(),
            BigInteger.Parse(amount["amount"]!.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture),
            amount["decimals"]!.GetValue<int>(),
            node["account"]!["owner"]!.GetValue<string>());
    }

    private async Task<JsonNode> CallAsync(string method, JsonArray parameters, CancellationToken cancellationToken)
    {
        var results = await BatchAsync([(method, parameters)], cancellationToken, single: true).ConfigureAwait(false);
        return results[0];
    }

    private async Task<List<JsonNode>> BatchAsync(List<(string Method, JsonArray Params)> requests, CancellationToken cancellationToken, bool single = false)
    {
        var results = new List<JsonNode>(requests.Count);
        for (var start = 0; start < requests.Count; start += BatchSize)
        {
            var chunk = requests.GetRange(start, Math.Min(BatchSize, requests.Count - start));
            var payload = single
                ? Request(0, chunk[0]).ToJsonString()
                : new JsonArray([.. chunk.Select((r, i) => (JsonNode)Request(i, r))]).ToJsonString();
            results.AddRange(await _pipeline.ExecuteAsync(token => PostAsync(payload, chunk, token), cancellationToken).ConfigureAwait(false));
        }
        return results;
    }

    private async Task<List<JsonNode>> PostAsync(string payload, List<(string Method, JsonArray Params)> chunk, CancellationToken cancellationToken)
    {
        using var content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(_endpoint, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken).ConfigureAwait(false)
            ?? throw new SolanaRpcException(-32700, "empty answer");
        var answers = answer is JsonArray array ? array.ToArray() : [answer];
        var byId = new Dictionary<int, JsonNode>();
        foreach (var item in answers)
        {
            if (item?["id"] is JsonValue id && id.TryGetValue<int>(out var number))
            {
                byId[number] = item;
            }
        }
        var results = new List<JsonNode>(chunk.Count);
        for (var i = 0; i < chunk.Count; i++)
        {
            var item = byId.TryGetValue(i, out var found) ? found : throw new SolanaRpcException(-32603, $"no answer for request {i} ({chunk[i].Method})");
            if (item["error"] is JsonObject error)
            {
                throw new SolanaRpcException(error["code"]?.GetValue<int>() ?? -32603, error["message"]?.GetValue<string>() ?? "error without a message");
            }
            results.Add(item["result"] ?? throw new SolanaRpcException(-32603, $"{chunk[i].Method} answered no result"));
        }
        return results;
    }

    private static JsonObject Request(int id, (string Method, JsonArray Params) request) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = request.Method, ["params"] = request.Params.DeepClone() };
}
