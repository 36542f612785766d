using System.Text.Json.Serialization;
using Aggregator.Adapters.Oracle;
using Aggregator.Api;
using Aggregator.Api.Access;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Engine;
using Aggregator.Host.Bus;
using Aggregator.Margin.Scenarios;
using Aggregator.Prover;
using Aggregator.Reserves.Configuration;

namespace Aggregator.Composition.Configuration;

/// <summary>
/// AGGREGATOR-CONFIG.json (docs/operations.md, "Running the services"): the chains to follow and the
/// institution's reserve addresses (a reserves configuration), the market (a scenario file: assets,
/// risk parameters, haircuts, oracle settings), the accounts with their deposit addresses, and how often
/// the adapters poll. Paths are relative to the configuration file. Checked whole before anything runs.
/// </summary>
public static partial class RunConfigFile
{
    /// <exception cref="InputException">The file, or a file it names, is missing or has a bad value.</exception>
    public static RunConfig Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the configuration does not exist", file: path);
        }
        var shape = JsonInput.Deserialize(File.ReadAllText(path), RunConfigJsonContext.Default.RunConfigShape, path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var reserves = ReservesConfigFile.Read(Path.Combine(folder, shape.Reserves));
        var marketPath = Path.Combine(folder, shape.Market);
        if (!File.Exists(marketPath))
        {
            throw new InputException("the market file does not exist", file: marketPath);
        }
        var market = ScenarioJson.Parse(File.ReadAllText(marketPath), marketPath).ResolveMarket();
        ChainId[] chains = [.. reserves.Evm.Select(c => ChainId.Evm(c.Options.ChainId)), .. reserves.Solana.Select(c => new ChainId(ChainFamily.Solana, c.Options.Cluster))];
        var reserveAddresses = reserves.Evm.SelectMany(c => c.Addresses.Select(a => (ChainId.Evm(c.Options.ChainId), a.Address.ToLowerInvariant())))
            .Concat(reserves.Solana.SelectMany(c => c.Addresses.Select(a => (new ChainId(ChainFamily.Solana, c.Options.Cluster), a.Address)))).ToHashSet();
        var accounts = new List<EngineAccount>();
        for (var i = 0; i < shape.Accounts.Count; i++)
        {
            var account = shape.Accounts[i];
            var deposits = new List<(ChainId, string)>();
            foreach (var (chainText, addresses) in account.Deposits)
            {
                if (!TryChain(chainText, out var chain) || !chains.Contains(chain))
                {
                    throw new InputException($"'{chainText}' is not one of the configured chains ({string.Join(", ", chains)})", file: path, field: $"$.accounts[{i}].deposits");
                }
                // A reserve address is the institution's: counted as an account's collateral too, the
                // same coins would back the liabilities twice.
                if (addresses.FirstOrDefault(a => reserveAddresses.Contains((chain, chain.Family == ChainFamily.Evm ? a.ToLowerInvariant() : a))) is { } reserve)
                {
                    throw new InputException($"'{reserve}' on {chain} is a reserve address; it cannot also be an account's deposit", file: path, field: $"$.accounts[{i}].deposits");
                }
                deposits.AddRange(addresses.Select(a => (chain, a)));
            }
            accounts.Add(new EngineAccount(account.Id, deposits));
        }
        if (shape.PollSeconds is <= 0 or > 3600)
        {
            throw new InputException("pollSeconds must be 1..3600", file: path, field: "$.pollSeconds");
        }
        var advances = new Dictionary<ChainId, HeightAdvance>();
        foreach (var (chainText, advance) in shape.MaxHeightAdvance ?? new Dictionary<string, HeightAdvanceShape>())
        {
            if (!TryChain(chainText, out var chain) || !chains.Contains(chain))
            {
                throw new InputException($"'{chainText}' is not one of the configured chains ({string.Join(", ", chains)})", file: path, field: "$.maxHeightAdvance");
            }
            if (advance.Blocks == 0 && advance.PerSecond == 0)
            {
                throw new InputException($"{chainText}: blocks and perSecond are both 0, so the chain could never advance", file: path, field: $"$.maxHeightAdvance.{chainText}");
            }
            advances[chain] = new HeightAdvance(advance.Blocks, advance.PerSecond);
        }
        var settings = new EngineSettings(market, chains, accounts) { StateDirectory = Path.Combine(folder, shape.StateDirectory), HeightAdvances = advances };
        try
        {
            settings.CreateBook(); // duplicate ids, an address claimed twice, an unknown asset: refused now
        }
        catch (ArgumentException error)
        {
            throw new InputException(error.Message.Split(" (Parameter", 2)[0], file: path, field: "$.accounts");
        }
        var oracle = Oracle(shape.Oracle, reserves, market, path);
        settings = settings with { PriceSources = oracle.SourceNames() };
        var prover = shape.Epochs is null ? null : Epochs(shape.Epochs, reserves, settings, Path.Combine(folder, shape.Reserves), folder, path);
        return new RunConfig(reserves, settings, TimeSpan.FromSeconds(shape.PollSeconds), oracle)
        {
            Prover = prover,
            Api = shape.Api is null ? null : Api(shape.Api, prover, folder, path),
        };
    }

    // The api role's settings: it serves the prover's epochs directory, so it needs an "epochs" section;
    // it listens on loopback, or behind TLS of its own or of a configured reverse proxy.
    private static ApiSettings Api(ApiShape shape, ProverSettings? prover, string folder, string path)
    {
        if (prover is null)
        {
            throw new InputException("the api serves the published epochs: the configuration needs an \"epochs\" section", file: path, field: "$.api");
        }
        if (!Uri.TryCreate(shape.Listen, UriKind.Absolute, out var listen) || listen.Scheme is not ("http" or "https") || listen.AbsolutePath != "/" || listen.Port is < 1 or > 65535
            || !(listen.Host == "localhost" || System.Net.IPAddress.TryParse(listen.Host.Trim('[', ']'), out _)))
        {
            throw new InputException($"'{shape.Listen}' is not http(s)://ADDRESS:PORT with an IP address or localhost", file: path, field: "$.api.listen");
        }
        var loopback = listen.Host == "localhost" || System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(listen.Host.Trim('[', ']')));
        var proxies = new List<System.Net.IPNetwork>();
        foreach (var text in shape.TrustedProxies ?? [])
        {
            proxies.Add(System.Net.IPAddress.TryParse(text, out var proxy) ? new System.Net.IPNetwork(proxy, proxy.GetAddressBytes().Length * 8)
                : System.Net.IPNetwork.TryParse(text, out var network) ? network
                : throw new InputException($"'{text}' is not an IP address or network (10.0.0.5, 10.0.0.0/8)", file: path, field: "$.api.trustedProxies"));
        }
        TlsFiles? tls = null;
        if (listen.Scheme == "https")
        {
            if (shape.Tls is null)
            {
                throw new InputException("https needs \"tls\": { \"certificate\": PEM file, \"key\": PEM file }", file: path, field: "$.api.tls");
            }
            tls = new TlsFiles(Path.Combine(folder, shape.Tls.Certificate), Path.Combine(folder, shape.Tls.Key));
            foreach (var file in new[] { tls.Certificate, tls.Key }.Where(f => !File.Exists(f)))
            {
                throw new InputException("the TLS file does not exist", file: file, field: "$.api.tls");
            }
        }
        else if (!loopback && proxies.Count == 0)
        {
            // Credentials in the clear: only on this machine, or from a reverse proxy that terminates TLS.
            throw new InputException($"plain http on {listen.Host} would carry credentials in the clear: listen on 127.0.0.1, use https with \"tls\", or name the TLS-terminating reverse proxy in \"trustedProxies\"", file: path, field: "$.api.listen");
        }
        var keys = new List<ProtocolKey>();
        for (var i = 0; i < (shape.ProtocolKeys?.Count ?? 0); i++)
        {
            var key = shape.ProtocolKeys![i];
            var at = $"$.api.protocolKeys[{i}]";
            if (string.IsNullOrWhiteSpace(key.Name) || keys.Any(k => k.Name == key.Name))
            {
                throw new InputException("each protocol key has a name of its own", file: path, field: $"{at}.name");
            }
            if (key.Sha256.Length != 64 || !key.Sha256.All(char.IsAsciiHexDigit))
            {
                throw new InputException("sha256 is the key's SHA-256, 64 hex digits (`aggregator credentials key` prints it)", file: path, field: $"{at}.sha256");
            }
            if (key.Accounts.Count == 0 || (key.Accounts.Contains("*") && key.Accounts.Count > 1))
            {
                throw new InputException("accounts is a list of account ids, or [\"*\"] alone for every account", file: path, field: $"{at}.accounts");
            }
            keys.Add(new ProtocolKey(key.Name, Convert.FromHexString(key.Sha256), key.Accounts.Contains("*") ? null : key.Accounts.ToHashSet(StringComparer.Ordinal)));
        }
        if (shape.RequestsPerSecondPerAddress is < 1 or > 1_000_000 || shape.RequestsPerSecondPerKey is < 1 or > 1_000_000)
        {
            throw new InputException("requests per second are 1 to 1,000,000", file: path, field: "$.api.requestsPerSecondPerAddress");
        }
        if (shape.MaxRequestBytes is < 256 or > 1 << 20)
        {
            throw new InputException("maxRequestBytes is 256 to 1,048,576", file: path, field: "$.api.maxRequestBytes");
        }
        if (shape.InclusionProofsPerEpoch is < 1)
        {
            throw new InputException("inclusionProofsPerEpoch is a positive number of accounts (or absent: no cap)", file: path, field: "$.api.inclusionProofsPerEpoch");
        }
        if (shape.EventWindow is < 1_000 or > 10_000_000)
        {
            throw new InputException("eventWindow is 1,000 to 10,000,000 events", file: path, field: "$.api.eventWindow");
        }
        foreach (var origin in shape.CorsOrigins ?? [])
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                throw new InputException($"'{origin}' is not an origin (scheme://host[:port], no path)", file: path, field: "$.api.corsOrigins");
            }
        }
        return new ApiSettings(listen, prover.Directory, Path.Combine(folder, shape.Cache), Path.Combine(folder, shape.Credentials))
        {
            ProtocolKeys = keys,
            KeysDirectory = prover.KeysDirectory,
            CorsOrigins = shape.CorsOrigins ?? [],
            TrustedProxies = proxies,
            Tls = tls,
            RequestsPerSecondPerAddress = shape.RequestsPerSecondPerAddress,
            RequestsPerSecondPerKey = shape.RequestsPerSecondPerKey,
            MaxRequestBytes = shape.MaxRequestBytes,
            EventWindow = shape.EventWindow,
            InclusionProofsPerEpoch = shape.InclusionProofsPerEpoch,
            ReadinessRpcs = prover.Registry is { } registry ? [registry.RpcUrl] : [],
        };
    }

    // The prover's settings: every asset of the market committed (an uncommitted asset's liabilities
    // would go unseen) at no more decimals than the market counts in, a registry on a configured EVM
    // chain, and a publisher key that reads.
    private static ProverSettings Epochs(EpochsShape shape, ReservesConfig reserves, EngineSettings engine, string reservesPath, string folder, string path)
    {
        var parameters = Aggregator.Commitment.CommitmentParameters.Parse(shape.Depth, shape.Assets, "$.epochs.assets", path);
        foreach (var asset in engine.Market.Assets)
        {
            var committed = parameters.Assets.FirstOrDefault(a => a.Id == asset.Id);
            if (committed is null)
            {
                throw new InputException($"the market's {asset.Id} is not committed: its liabilities would be left out of every epoch", file: path, field: "$.epochs.assets");
            }
            if (committed.ProofDecimals > asset.Decimals)
            {
                throw new InputException($"{asset.Id} is committed at {committed.ProofDecimals} decimals; the market counts it in {asset.Decimals}", file: path, field: "$.epochs.assets");
            }
        }
        if (shape.Partitions is < 1 or > 1024)
        {
            throw new InputException("partitions must be 1..1024", file: path, field: "$.epochs.partitions");
        }
        if (shape.CloseEverySeconds is { } every && (every < 1 || every != Math.Floor(every)))
        {
            throw new InputException("closeEverySeconds must be a positive whole number of seconds (or absent: close only when asked); epochs fall on its multiples", file: path, field: "$.epochs.closeEverySeconds");
        }
        var keyFile = Path.Combine(folder, shape.PublisherKeyFile);
        Chains.Evm.Registry.PublisherKey.ReadKey(keyFile);
        RegistryTarget? registry = null;
        if (shape.Registry is { } target)
        {
            var chain = TryChain(target.Chain, out var id) ? reserves.Evm.FirstOrDefault(c => ChainId.Evm(c.Options.ChainId) == id) : null;
            if (chain is null)
            {
                throw new InputException($"'{target.Chain}' is not one of the configured EVM chains", file: path, field: "$.epochs.registry.chain");
            }
            if (!Chains.Evm.EvmAddress.IsValid(target.Address))
            {
                throw new InputException($"'{target.Address}' is not an EVM address", file: path, field: "$.epochs.registry.address");
            }
            // Precompiles and system addresses answer calls without being a registry: a publication
            // there would seem to succeed and store nothing.
            if (System.Numerics.BigInteger.Parse("0" + target.Address[2..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) < 0x10000)
            {
                throw new InputException($"'{target.Address}' is a precompile or system address, not a deployed SolvencyRegistry", file: path, field: "$.epochs.registry.address");
            }
            registry = new RegistryTarget(chain.Options.RpcUrl, target.Address, id);
        }
        EpochWindows? windows = null;
        if (shape.Window is { } window)
        {
            if (window.Seconds is not { } length || length == 0)
            {
                throw new InputException("window.seconds must be a positive number of seconds: epochs end windows of that length", file: path, field: "$.epochs.window.seconds");
            }
            if (window.Samples is < 1 or > 64)
            {
                throw new InputException("window.samples must be 1..64 heights sampled per chain", file: path, field: "$.epochs.window.samples");
            }
            windows = new EpochWindows(length, window.Samples ?? 8);
        }
        else if (registry is null)
        {
            throw new InputException("without a registry, epochs.window ({ \"seconds\": …, \"samples\": … }) is required: an epoch's reserves are sampled over its window", file: path, field: "$.epochs.window");
        }
        if (shape.RegistryStatusSeconds is <= 0)
        {
            throw new InputException("registryStatusSeconds must be positive", file: path, field: "$.epochs.registryStatusSeconds");
        }
        if (shape.TreeJobAccounts is { } jobAccounts && (jobAccounts < 1 || !System.Numerics.BitOperations.IsPow2(jobAccounts)))
        {
            throw new InputException($"treeJobAccounts must be a power of two (rows per tree job), not {jobAccounts}", file: path, field: "$.epochs.treeJobAccounts");
        }
        if (shape.InclusionBatchAccounts < 1)
        {
            throw new InputException($"inclusionBatchAccounts must be at least 1 (accounts per batch of the all-accounts proving), not {shape.InclusionBatchAccounts}", file: path, field: "$.epochs.inclusionBatchAccounts");
        }
        if (shape.WindowWaitSeconds is <= 0)
        {
            throw new InputException("windowWaitSeconds must be positive", file: path, field: "$.epochs.windowWaitSeconds");
        }
        return new ProverSettings(
            reservesPath, Path.Combine(folder, shape.Directory), parameters, [.. engine.Accounts.Select(a => new ProverAccount(a.Id, a.Deposits))], keyFile, registry,
            shape.CloseEverySeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null)
        {
            Windows = windows,
            WindowWait = TimeSpan.FromSeconds(shape.WindowWaitSeconds ?? 1800),
            RegistryStatusEvery = TimeSpan.FromSeconds(shape.RegistryStatusSeconds ?? 300),
            KeysDirectory = shape.Keys is { } keys ? Path.Combine(folder, keys) : null,
            PrecomputeBases = shape.PrecomputeBases,
            TreeJobAccounts = shape.TreeJobAccounts,
            InclusionBatchAccounts = shape.InclusionBatchAccounts,
            ProveAllAtClose = shape.InclusionProofs switch
            {
                "on-demand" => false,
                "at-close" => true,
                _ => throw new InputException($"inclusionProofs is \"on-demand\" (the default) or \"at-close\", not '{shape.InclusionProofs}'", file: path, field: "$.epochs.inclusionProofs"),
            },
        };
    }

    // The oracle's feeds must sit on configured EVM chains (their RPC and Multicall3 are the reserves
    // configuration's) and quote listed assets; fixed prices are exact positive decimals.
    private static OracleConfig Oracle(OracleShape? shape, ReservesConfig reserves, Margin.Markets.MarketState market, string path)
    {
        var feeds = new List<(ChainId Chain, Core.Assets.AssetId Asset, string Address)>();
        for (var i = 0; i < (shape?.Feeds.Count ?? 0); i++)
        {
            var feed = shape!.Feeds[i];
            var at = $"$.oracle.feeds[{i}]";
            if (!TryChain(feed.Chain, out var chain) || !reserves.Evm.Any(c => ChainId.Evm(c.Options.ChainId) == chain))
            {
                throw new InputException($"'{feed.Chain}' is not one of the configured EVM chains", file: path, field: $"{at}.chain");
            }
            if (!Core.Assets.AssetId.IsValid(feed.Asset) || !market.Contains(new Core.Assets.AssetId(feed.Asset)))
            {
                throw new InputException($"'{feed.Asset}' is not an asset of the market", file: path, field: $"{at}.asset");
            }
            if (!Chains.Evm.EvmAddress.IsValid(feed.Address))
            {
                throw new InputException($"'{feed.Address}' is not an EVM address", file: path, field: $"{at}.address");
            }
            feeds.Add((chain, new Core.Assets.AssetId(feed.Asset), feed.Address));
        }
        var fixedPrices = new Dictionary<Core.Assets.AssetId, decimal>();
        foreach (var (symbol, text) in shape?.Fixed ?? new Dictionary<string, string>())
        {
            if (!Core.Assets.AssetId.IsValid(symbol) || !market.Contains(new Core.Assets.AssetId(symbol))
                || !decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var price) || price <= 0)
            {
                throw new InputException($"'{symbol}': '{text}' is not a positive price of an asset of the market", file: path, field: $"$.oracle.fixed.{symbol}");
            }
            fixedPrices[new Core.Assets.AssetId(symbol)] = price;
        }
        return new OracleConfig(feeds, fixedPrices);
    }

    internal static bool TryChain(string text, out ChainId chain)
    {
        try
        {
            chain = ChainId.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            chain = default;
            return false;
        }
    }

    internal sealed record RunConfigShape(
        string Reserves, string Market, IReadOnlyList<AccountShape> Accounts, double PollSeconds = 2, OracleShape? Oracle = null, EpochsShape? Epochs = null, string StateDirectory = "state",
        IReadOnlyDictionary<string, HeightAdvanceShape>? MaxHeightAdvance = null, ApiShape? Api = null);

    internal sealed record ApiShape(
        string Listen, string Cache = "api-cache", string Credentials = "credentials.json", IReadOnlyList<ProtocolKeyShape>? ProtocolKeys = null,
        IReadOnlyList<string>? CorsOrigins = null, IReadOnlyList<string>? TrustedProxies = null, TlsShape? Tls = null,
        int RequestsPerSecondPerAddress = 50, int RequestsPerSecondPerKey = 100, long MaxRequestBytes = 16 * 1024, int EventWindow = 100_000, int? InclusionProofsPerEpoch = null);

    internal sealed record ProtocolKeyShape(string Name, string Sha256, IReadOnlyList<string> Accounts);

    internal sealed record TlsShape(string Certificate, string Key);

    internal sealed record HeightAdvanceShape(ulong Blocks, ulong PerSecond);

    internal sealed record EpochsShape(
        string Directory, IReadOnlyList<string> Assets, string PublisherKeyFile, int Depth = 20, int Partitions = 1, RegistryShape? Registry = null, double? CloseEverySeconds = null, string? Keys = null, bool PrecomputeBases = true, string InclusionProofs = "on-demand", WindowShape? Window = null, double? WindowWaitSeconds = null, double? RegistryStatusSeconds = null, int? TreeJobAccounts = null, int InclusionBatchAccounts = 256);

    internal sealed record WindowShape(ulong? Seconds, int? Samples);

    internal sealed record RegistryShape(string Chain, string Address);

    internal sealed record OracleShape(IReadOnlyList<FeedShape> Feeds, IReadOnlyDictionary<string, string>? Fixed = null);

    internal sealed record FeedShape(string Asset, string Chain, string Address);

    internal sealed record AccountShape(string Id, IReadOnlyDictionary<string, IReadOnlyList<string>> Deposits);

    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true)]
    [JsonSerializable(typeof(RunConfigShape))]
    internal sealed partial class RunConfigJsonContext : JsonSerializerContext;
}

/// <summary>What the services run with, validated.</summary>
public sealed record RunConfig(ReservesConfig Reserves, EngineSettings Engine, TimeSpan PollInterval, OracleConfig Oracle)
{
    /// <summary>The prover role's settings, or null when the configuration has no "epochs" section.</summary>
    public ProverSettings? Prover { get; init; }

    /// <summary>The api role's settings, or null when the configuration has no "api" section.</summary>
    public ApiSettings? Api { get; init; }
}
