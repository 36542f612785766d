using System.Text.Json;
using Aggregator.Chains.Evm.Balances;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Core.Errors;

namespace Aggregator.Cli.Reserves;

/// <summary>
/// RESERVES-CONFIG.json: the institution and, per EVM chain, where to read, which tokens, and each
/// reserve address with its signed ownership message (docs/reserves.md).
/// </summary>
internal sealed record ReservesConfig(string Institution, IReadOnlyList<ReservesConfig.EvmChain> Evm, IReadOnlyList<ReservesConfig.SolanaChain> Solana)
{
    public sealed record EvmChain(EvmChainOptions Options, IReadOnlyList<ReserveAddress> Addresses);

    public sealed record SolanaChain(SolanaChainOptions Options, IReadOnlyList<ReserveAddress> Addresses);

    public sealed record ReserveAddress(string Address, string SignedText, string Signature);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record FileShape(string? Institution, List<EvmShape>? Evm, List<SolanaShape>? Solana);

    private sealed record SolanaShape(string? Name, string? Cluster, string? Rpc, string? NativeSymbol, List<SolanaToken>? Tokens, List<ReserveAddress>? Addresses);

    private sealed record EvmShape(string? Name, ulong ChainId, string? Rpc, uint? Confirmations, string? Multicall3, string? NativeSymbol, int? NativeDecimals, List<EvmToken>? Tokens, List<ReserveAddress>? Addresses);

    public static ReservesConfig Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the reserves configuration does not exist", file: path);
        }
        FileShape? shape;
        try
        {
            shape = JsonSerializer.Deserialize<FileShape>(File.ReadAllText(path), Json);
        }
        catch (JsonException error)
        {
            throw new InputException($"malformed JSON: {error.Message}", file: path, line: error.LineNumber + 1);
        }
        if (shape?.Institution is not { Length: > 0 } institution || institution.Contains('\n', StringComparison.Ordinal))
        {
            throw new InputException("\"institution\" must be a one-line name", file: path, field: "$.institution");
        }
        var chains = (shape.Evm ?? []).Select((chain, i) =>
        {
            var at = $"$.evm[{i}]";
            if (string.IsNullOrEmpty(chain.Name) || string.IsNullOrEmpty(chain.Rpc) || string.IsNullOrEmpty(chain.Multicall3) || chain.ChainId == 0)
            {
                throw new InputException("each chain needs name, chainId, rpc and multicall3", file: path, field: at);
            }
            var addresses = Addresses(chain.Addresses, path, at);
            var options = new EvmChainOptions
            {
                Name = chain.Name,
                ChainId = chain.ChainId,
                RpcUrl = chain.Rpc,
                Confirmations = chain.Confirmations ?? 12,
                Multicall3Address = chain.Multicall3,
                NativeSymbol = chain.NativeSymbol ?? "ETH",
                NativeDecimals = chain.NativeDecimals ?? 18,
                Tokens = chain.Tokens ?? [],
                Addresses = addresses.Select(a => a.Address).ToArray(),
            };
            return new EvmChain(options, addresses);
        }).ToArray();
        var clusters = (shape.Solana ?? []).Select((chain, i) =>
        {
            var at = $"$.solana[{i}]";
            if (string.IsNullOrEmpty(chain.Name) || string.IsNullOrEmpty(chain.Cluster) || !Uri.TryCreate(chain.Rpc, UriKind.Absolute, out var rpc))
            {
                throw new InputException("each Solana cluster needs name, cluster and an absolute rpc URL", file: path, field: at);
            }
            var addresses = Addresses(chain.Addresses, path, at);
            var options = new SolanaChainOptions
            {
                Name = chain.Name,
                Cluster = chain.Cluster,
                RpcUrl = rpc,
                NativeSymbol = chain.NativeSymbol ?? "SOL",
                Tokens = chain.Tokens ?? [],
                Addresses = addresses.Select(a => a.Address).ToArray(),
            };
            return new SolanaChain(options, addresses);
        }).ToArray();
        if (chains.Length + clusters.Length == 0)
        {
            throw new InputException("no chains configured", file: path, field: "$.evm");
        }
        return new ReservesConfig(institution, chains, clusters);
    }

    private static List<ReserveAddress> Addresses(List<ReserveAddress>? addresses, string path, string at)
    {
        if (addresses is not { Count: > 0 } || addresses.Any(a => string.IsNullOrEmpty(a.Address) || string.IsNullOrEmpty(a.SignedText) || string.IsNullOrEmpty(a.Signature)))
        {
            throw new InputException("each chain needs addresses, each with address, signedText and signature", file: path, field: $"{at}.addresses");
        }
        return addresses;
    }
}
