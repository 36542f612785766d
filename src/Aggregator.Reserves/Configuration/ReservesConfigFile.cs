using System.Text.Json.Serialization;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Balances;
using Aggregator.Chains.Solana.Balances;
using Aggregator.Chains.Solana.Encoding;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;

namespace Aggregator.Reserves.Configuration;

/// <summary>
/// Reads and validates RESERVES-CONFIG.json before any network call. Every bad value is an
/// <see cref="InputException"/> naming the file and the JSON path; anything that would count a balance
/// twice (the same chain under two names, an address or token listed twice) or scale it wrongly (one
/// symbol with different decimals on two chains) names both places.
/// </summary>
public static partial class ReservesConfigFile
{
    /// <exception cref="InputException">The file is missing or any value is bad.</exception>
    public static ReservesConfig Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the reserves configuration does not exist", file: path);
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <exception cref="InputException">Any value is bad.</exception>
    public static ReservesConfig Parse(string json, string source) =>
        new Validator(source).Config(JsonInput.Deserialize(json, ConfigJsonContext.Default.ConfigShape, source));

    private const string EvmAddressText = "an EVM address (0x and 20 bytes of hex)";
    private const string SolanaAddressText = "a Solana address (32 bytes in base58)";

    private sealed class Validator(string source)
    {
        // symbol -> (decimals, where they were set): one symbol, one scale, on every chain.
        private readonly Dictionary<string, (int Decimals, string Path)> _decimals = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

        public ReservesConfig Config(ConfigShape shape)
        {
            if (string.IsNullOrWhiteSpace(shape.Institution) || shape.Institution.Contains('\n', StringComparison.Ordinal))
            {
                throw Error("$.institution", "the institution must be a one-line name");
            }
            var chainIds = new Dictionary<ulong, string>();
            var evm = (shape.Evm ?? []).Select((chain, i) => Evm(chain, $"$.evm[{i}]", chainIds)).ToArray();
            var clusters = new Dictionary<string, string>(StringComparer.Ordinal);
            var solana = (shape.Solana ?? []).Select((chain, i) => Solana(chain, $"$.solana[{i}]", clusters)).ToArray();
            if (evm.Length + solana.Length == 0)
            {
                throw Error("$.evm", "no chains configured");
            }
            return new ReservesConfig(shape.Institution, evm, solana);
        }

        private EvmReserveChain Evm(EvmShape chain, string at, Dictionary<ulong, string> chainIds)
        {
            var name = Name(chain.Name, at);
            if (chain.ChainId is not { } chainId || chainId == 0)
            {
                throw Error($"{at}.chainId", "a positive EVM chain id is required");
            }
            Unique(chainIds, chainId, $"{at}.chainId", $"chain id {chainId}");
            var rpc = Url(chain.Rpc, $"{at}.rpc");
            if (!EvmAddress.IsValid(chain.Multicall3))
            {
                throw Error($"{at}.multicall3", $"'{chain.Multicall3}' is not {EvmAddressText}");
            }
            var native = Symbol(chain.NativeSymbol ?? "ETH", $"{at}.nativeSymbol");
            var nativeDecimals = Decimals(chain.NativeDecimals ?? 18, native, $"{at}.nativeDecimals");
            var symbols = new Dictionary<string, string>(StringComparer.Ordinal) { [native] = $"{at}.nativeSymbol" };
            var contracts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var tokens = (chain.Tokens ?? []).Select((token, j) =>
            {
                var tokenAt = $"{at}.tokens[{j}]";
                var symbol = TokenSymbol(token.Symbol, tokenAt, symbols);
                var address = UniqueAddress(token.Address, $"{tokenAt}.address", EvmAddress.IsValid, EvmAddressText, contracts, "token contract");
                return new EvmToken(symbol, address, TokenDecimals(token.Decimals, symbol, tokenAt));
            }).ToArray();
            var addresses = Addresses(chain.Addresses, at, EvmAddress.IsValid, StringComparer.OrdinalIgnoreCase, EvmAddressText);
            var decimalsOf = tokens.ToDictionary(t => t.Symbol, t => t.Decimals, StringComparer.Ordinal);
            decimalsOf[native] = nativeDecimals;
            var lendingContracts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var debts = (chain.Lending ?? []).Select((position, j) =>
            {
                var positionAt = $"{at}.lending[{j}]";
                var protocol = position.Protocol switch
                {
                    "aave-v3" => LendingProtocol.AaveV3,
                    "compound-v3" => LendingProtocol.CompoundV3,
                    _ => throw Error($"{positionAt}.protocol", $"'{position.Protocol}' is not a lending protocol read here (aave-v3: the asset's variable-debt token; compound-v3: the market's Comet)"),
                };
                if (position.Symbol is null || !decimalsOf.TryGetValue(position.Symbol, out var decimals))
                {
                    throw Error($"{positionAt}.symbol", $"'{position.Symbol}' is not an asset of this chain ({string.Join(", ", decimalsOf.Keys)}): a debt is netted from the reserves of the asset it is owed in");
                }
                var contract = UniqueAddress(position.Contract, $"{positionAt}.contract", EvmAddress.IsValid, EvmAddressText, lendingContracts, "lending contract");
                return new EvmDebtSource(protocol, position.Symbol, contract, decimals);
            }).ToArray();
            return new EvmReserveChain(new EvmChainOptions
            {
                Name = name,
                ChainId = chainId,
                RpcUrl = rpc.ToString(),
                Confirmations = chain.Confirmations ?? 12,
                Multicall3Address = chain.Multicall3!,
                NativeSymbol = native,
                NativeDecimals = nativeDecimals,
                Tokens = tokens,
                Addresses = addresses.Select(a => a.Address).ToArray(),
                Debts = debts,
            }, addresses);
        }

        private SolanaReserveChain Solana(SolanaShape chain, string at, Dictionary<string, string> clusters)
        {
            var name = Name(chain.Name, at);
            if (chain.Cluster is null || !ChainId.IsValidReference(chain.Cluster))
            {
                throw Error($"{at}.cluster", $"'{chain.Cluster}' is not a CAIP-2 cluster reference such as mainnet (1..32 of A-Z, a-z, 0-9, '-', '_')");
            }
            Unique(clusters, chain.Cluster, $"{at}.cluster", $"cluster {chain.Cluster}");
            var rpc = Url(chain.Rpc, $"{at}.rpc");
            var native = Symbol(chain.NativeSymbol ?? "SOL", $"{at}.nativeSymbol");
            Decimals(SolanaBalanceReader.NativeDecimals, native, $"{at}.nativeSymbol");
            var symbols = new Dictionary<string, string>(StringComparer.Ordinal) { [native] = $"{at}.nativeSymbol" };
            var mints = new Dictionary<string, string>(StringComparer.Ordinal);
            var tokens = (chain.Tokens ?? []).Select((token, j) =>
            {
                var tokenAt = $"{at}.tokens[{j}]";
                var symbol = TokenSymbol(token.Symbol, tokenAt, symbols);
                var mint = UniqueAddress(token.Mint, $"{tokenAt}.mint", Base58.IsAddress, SolanaAddressText, mints, "mint");
                var program = token.Program ?? SolanaPrograms.Token;
                if (program is not (SolanaPrograms.Token or SolanaPrograms.Token2022))
                {
                    throw Error($"{tokenAt}.program", $"'{program}' is neither the SPL Token nor the Token-2022 program");
                }
                return new SolanaToken(symbol, mint, TokenDecimals(token.Decimals, symbol, tokenAt), program);
            }).ToArray();
            var addresses = Addresses(chain.Addresses, at, Base58.IsAddress, StringComparer.Ordinal, SolanaAddressText);
            return new SolanaReserveChain(new SolanaChainOptions
            {
                Name = name,
                Cluster = chain.Cluster,
                RpcUrl = rpc,
                NativeSymbol = native,
                Tokens = tokens,
                Addresses = addresses.Select(a => a.Address).ToArray(),
            }, addresses);
        }

        private string Name(string? name, string at)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Contains('\n', StringComparison.Ordinal))
            {
                throw Error($"{at}.name", "each chain needs a one-line name");
            }
            Unique(_names, name, $"{at}.name", $"the name '{name}'");
            return name;
        }

        private List<ReserveAddress> Addresses(List<AddressShape>? addresses, string at, Func<string?, bool> isValid, StringComparer comparer, string expected)
        {
            if (addresses is not { Count: > 0 })
            {
                throw Error($"{at}.addresses", "each chain needs at least one reserve address");
            }
            var seen = new Dictionary<string, string>(comparer);
            return addresses.Select((a, k) =>
            {
                var addressAt = $"{at}.addresses[{k}]";
                var address = UniqueAddress(a.Address, $"{addressAt}.address", isValid, expected, seen, "address");
                if (a.SelfDeclared == true)
                {
                    // Said outright, so that a signature left out by mistake is an error, not a silent tag.
                    if (a.SignedText is not null || a.Signature is not null || a.Custodian is not null)
                    {
                        throw Error($"{addressAt}.selfDeclared", "a self-declared address carries no signed text, signature or custodian");
                    }
                    return new ReserveAddress(address, "", "");
                }
                if (string.IsNullOrEmpty(a.SignedText))
                {
                    throw Error($"{addressAt}.signedText", "the signed ownership message (or custody statement) is required; an address without one is \"selfDeclared\": true");
                }
                if (string.IsNullOrEmpty(a.Signature))
                {
                    throw Error($"{addressAt}.signature", "the ownership signature is required");
                }
                if (a.Custodian is not null && !EvmAddress.IsValid(a.Custodian))
                {
                    throw Error($"{addressAt}.custodian", $"'{a.Custodian}' is not {EvmAddressText}: a custodian signs with the EVM key the registry knows it by");
                }
                return new ReserveAddress(address, a.SignedText, a.Signature, a.Custodian);
            }).ToList();
        }

        // A token's symbol: valid, and not another asset of the same chain.
        private string TokenSymbol(string? symbol, string tokenAt, Dictionary<string, string> chainSymbols)
        {
            var valid = Symbol(symbol, $"{tokenAt}.symbol");
            Unique(chainSymbols, valid, $"{tokenAt}.symbol", $"asset {valid}");
            return valid;
        }

        private int TokenDecimals(int? decimals, string symbol, string tokenAt) =>
            Decimals(decimals ?? throw Error($"{tokenAt}.decimals", "the token's decimals are required"), symbol, $"{tokenAt}.decimals");

        // An address, mint or contract: well formed, and not listed before within its chain.
        private string UniqueAddress(string? text, string at, Func<string?, bool> isValid, string expected, Dictionary<string, string> seen, string what)
        {
            if (!isValid(text))
            {
                throw Error(at, $"'{text}' is not {expected}");
            }
            Unique(seen, text!, at, $"{what} {text}");
            return text!;
        }

        private string Symbol(string? symbol, string at) =>
            AssetId.IsValid(symbol) ? symbol! : throw Error(at, $"'{symbol}' is not an asset symbol (1..{AssetId.MaxLength} letters, digits, '.', '-', '_')");

        private int Decimals(int decimals, string symbol, string at)
        {
            if (decimals is < 0 or > Amount.MaxDecimals)
            {
                throw Error(at, $"{decimals} is not a number of decimals (0..{Amount.MaxDecimals})");
            }
            if (_decimals.TryGetValue(symbol, out var earlier) && earlier.Decimals != decimals)
            {
                throw Error(at, $"{symbol} has {decimals} decimals here and {earlier.Decimals} at {earlier.Path}: one symbol must mean one asset");
            }
            _decimals.TryAdd(symbol, (decimals, at));
            return decimals;
        }

        private Uri Url(string? text, string at) =>
            Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? url
                : throw Error(at, $"'{text}' is not an http(s) URL");

        private void Unique<TKey>(Dictionary<TKey, string> seen, TKey key, string at, string what)
            where TKey : notnull
        {
            if (!seen.TryAdd(key, at))
            {
                throw Error(at, $"{what} is configured twice, at {seen[key]} and here: its balances would be counted twice");
            }
        }

        private InputException Error(string field, string problem) => new(problem, file: source, field: field);
    }

    internal sealed record ConfigShape(string? Institution, List<EvmShape>? Evm, List<SolanaShape>? Solana);

    internal sealed record EvmShape(string? Name, ulong? ChainId, string? Rpc, uint? Confirmations, string? Multicall3, string? NativeSymbol, int? NativeDecimals, List<EvmTokenShape>? Tokens, List<AddressShape>? Addresses, List<LendingShape>? Lending = null);

    internal sealed record LendingShape(string? Protocol, string? Symbol, string? Contract);

    internal sealed record EvmTokenShape(string? Symbol, string? Address, int? Decimals);

    internal sealed record SolanaShape(string? Name, string? Cluster, string? Rpc, string? NativeSymbol, List<SolanaTokenShape>? Tokens, List<AddressShape>? Addresses);

    internal sealed record SolanaTokenShape(string? Symbol, string? Mint, int? Decimals, string? Program);

    internal sealed record AddressShape(string? Address, string? SignedText, string? Signature, string? Custodian = null, bool? SelfDeclared = null);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true)]
    [JsonSerializable(typeof(ConfigShape))]
    internal sealed partial class ConfigJsonContext : JsonSerializerContext;
}
