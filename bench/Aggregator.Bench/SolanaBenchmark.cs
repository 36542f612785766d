using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Chains.Solana.Encoding;
using Aggregator.Chains.Solana.Rpc;
using Aggregator.Testing;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Aggregator.Bench;

/// <summary>
/// Reading many token accounts through the litesvm-backed test server: the batched reader against the
/// naive one-request-per-owner reader, in the same run, on the same state.
/// </summary>
internal static class SolanaBenchmark
{
    public static async Task Run(int owners)
    {
        Console.WriteLine($"# Solana balances: {owners:N0} owners, each with one SPL token account, plus SOL");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        var script = Path.Combine(RepositoryPaths.Root, "deploy", "local", "solana-test-server", "server.mjs");
        using var server = Process.Start(new ProcessStartInfo("node", [script, "0"]) { RedirectStandardOutput = true })!;
        try
        {
            var url = new Uri((await server.StandardOutput.ReadLineAsync())!["listening ".Length..]);
            using var http = new HttpClient();
            var mint = (await Call(http, url, "test_createMint", 6, "token"))!.GetValue<string>();
            var addresses = Enumerable.Range(0, owners).Select(_ => Base58.Encode(new Ed25519PrivateKeyParameters(new SecureRandom()).GeneratePublicKey().GetEncoded())).ToArray();
            var setup = Stopwatch.StartNew();
            foreach (var chunk in addresses.Chunk(200))
            {
                var batch = new JsonArray([.. chunk.Select((owner, i) => (JsonNode)new JsonObject
                {
                    ["jsonrpc"] = "2.0", ["id"] = i, ["method"] = "test_mintTo", ["params"] = new JsonArray(mint, owner, "1000000"),
                })]);
                using var response = await http.PostAsync(url, JsonContent.Create(batch));
                var answers = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
                if (answers.Any(a => a!["error"] is not null))
                {
                    throw new InvalidOperationException($"setup failed: {answers.First(a => a!["error"] is not null)!["error"]}");
                }
            }
            var setupSeconds = setup.Elapsed.TotalSeconds;

            var client = new SolanaRpcClient(http, url);
            var options = new SolanaChainOptions { Name = "litesvm", Cluster = "localnet", RpcUrl = url, Addresses = addresses, Tokens = [new("USDC", mint, 6)] };
            var reader = new SolanaBalanceReader(client, options);
            await reader.ReadAsync(); // warm-up
            var watch = Stopwatch.StartNew();
            var read = await reader.ReadAsync();
            var batchedSeconds = watch.Elapsed.TotalSeconds;

            // Naive: one getBalance and one getTokenAccountsByOwner request per owner, in order.
            var slot = await client.GetSlotAsync();
            watch.Restart();
            foreach (var owner in addresses)
            {
                await client.GetBalancesAsync([owner], slot);
                await client.GetTokenAccountsByOwnerAsync([owner], SolanaPrograms.Token, slot);
            }
            var naiveSeconds = watch.Elapsed.TotalSeconds;
            var tokenTotal = read.Balances.Where(b => b.Asset.Symbol == "USDC").Sum(b => (decimal)b.Amount.BaseUnits);
            if (tokenTotal != 1_000_000m * owners)
            {
                throw new InvalidOperationException($"read {tokenTotal} token base units, expected {1_000_000m * owners}");
            }

            Console.WriteLine("| figure | batched reader (100 requests per JSON-RPC batch) | naive, one request per owner and method |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine(Line($"| time for {owners:N0} token accounts + {owners:N0} SOL balances | {batchedSeconds:F2} s | {naiveSeconds:F2} s |"));
            Console.WriteLine(Line($"| balances/s | {read.Balances.Count / batchedSeconds:N0} | {2 * owners / naiveSeconds:N0} |"));
            Console.WriteLine(Line($"| speed-up | {naiveSeconds / batchedSeconds:F1}x | |"));
            Console.WriteLine(Line($"setup: {owners:N0} real mint-to transactions (ATA creation + MintTo) in {setupSeconds:F1} s; token total read {tokenTotal:N0} base units"));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task<JsonNode?> Call(HttpClient http, Uri url, string method, params JsonNode?[] parameters)
    {
        using var response = await http.PostAsync(url, JsonContent.Create(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = new JsonArray(parameters) }));
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["result"];
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
