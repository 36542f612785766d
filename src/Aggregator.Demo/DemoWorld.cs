using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Chains.Solana.Encoding;
using Aggregator.Core.Chains;
using Aggregator.Core.Files;
using Aggregator.Core.Ownership;
using Nethereum.Hex.HexTypes;
using Nethereum.Signer;
using Nethereum.Web3;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Aggregator.Demo;

/// <summary>
/// The demo's institution on three local chains: two anvils (chain ids 31337 and 31338) and the Solana
/// test server, with Multicall3, tokens (USDC, WBTC), Chainlink-style feeds (ETH, BTC, SOL) and a
/// SolvencyRegistry deployed; accounts holding ETH and USDC on the first chain, WBTC and ETH on the
/// second and SOL (some USDC too) on Solana, each owing USDC sized for a health factor between 1.15 and
/// 1.85; reserve addresses holding more than is owed; and the configuration files `aggregator run`
/// reads. Every amount is set through the chains' own calls; nothing is simulated.
/// </summary>
public sealed class DemoWorld
{
    public const string Institution = "Demo Custody Ltd";
    public static readonly ChainId ChainA = ChainId.Evm(31337);
    public static readonly ChainId ChainB = ChainId.Evm(31338);
    public static readonly ChainId SolanaChain = new(ChainFamily.Solana, "localnet");

    // anvil's well-known development keys: 0 deploys and publishes, 1 and 2 hold the reserves.
    private static readonly string[] DevelopmentKeys =
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    ];

    private const int FeedDecimals = 8;
    private static readonly HexBigInteger TransactionGas = new(200_000);
    private static readonly HexBigInteger MintGas = new(25_000_000);

    private readonly string _artifacts;
    private readonly HttpClient _http;
    private readonly Web3 _a;
    private readonly Web3 _b;
    private readonly string _solana;
    private readonly Ed25519PrivateKeyParameters _solanaReserveKey = new(new SecureRandom());
    // A custodian the registry's owner registers: it attests one reserve address on the first chain.
    private readonly EthECKey _custodian = EthECKey.GenerateKey();
    private JsonObject _reservesConfig = new();
    private string[] _depositsA = [];
    // The price feeds on the first chain, by asset (USDC's only for the lending protocol).
    private readonly Dictionary<string, string> _feeds = new(StringComparer.Ordinal);

    private DemoWorld(string artifacts, HttpClient http, string rpcA, string rpcB, string solana, string directory)
    {
        _artifacts = artifacts;
        _http = http;
        _a = new Web3(new Nethereum.Web3.Accounts.Account(DevelopmentKeys[0], 31337), rpcA);
        _b = new Web3(new Nethereum.Web3.Accounts.Account(DevelopmentKeys[0], 31338), rpcB);
        _solana = solana;
        RpcA = rpcA;
        RpcB = rpcB;
        Directory = directory;
    }

    private string RpcA { get; }

    private string RpcB { get; }

    /// <summary>Where the configuration files and epoch directories are.</summary>
    public string Directory { get; }

    /// <summary>AGGREGATOR-CONFIG.json, for <c>aggregator run --config</c>.</summary>
    public string ConfigPath => Path.Combine(Directory, "aggregator.json");

    /// <summary>What each account owes, in base units of USDC (6 decimals): the institution's books.</summary>
    public IReadOnlyList<(string Account, BigInteger Usdc)> Debts { get; private set; } = [];

    /// <summary>The ETH/USD feed on the first chain, whose answer <see cref="MoveEthPriceAsync"/> sets.</summary>
    public string EthFeed { get; private set; } = "";

    public string Registry { get; private set; } = "";

    /// <summary>An account's deposit address on the first chain (by its index in <see cref="Debts"/>).</summary>
    public string DepositA(int account) => _depositsA[account];

    /// <summary>The API's address (a free port on 127.0.0.1).</summary>
    public Uri Api { get; private set; } = new("http://127.0.0.1/");

    /// <summary>A protocol key that reads every account (its SHA-256 is in the configuration).</summary>
    public string ProtocolKey { get; private set; } = "";

    /// <summary>The first account's credential (the store keeps its hash).</summary>
    public string Credential { get; private set; } = "";

    /// <summary>The JSON-RPC address of the first chain (the registry's, the feeds').</summary>
    public string RegistryRpc => RpcA;

    /// <summary>A key of the first chain that sends transactions (the publisher's).</summary>
    public Web3 Deployer => _a;

    /// <summary>ETH's price in the feed now.</summary>
    public decimal EthPrice { get; private set; } = 3000m;

    /// <summary>Deploys and funds everything on the running servers and writes the configuration into <paramref name="directory"/>.</summary>
    public static async Task<DemoWorld> CreateAsync(string repositoryRoot, HttpClient http, string rpcA, string rpcB, string solana, string directory, int accounts, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var world = new DemoWorld(Path.Combine(repositoryRoot, "contracts", "artifacts"), http, rpcA, rpcB, solana, directory);
        await world.BuildAsync(accounts, cancellationToken).ConfigureAwait(false);
        return world;
    }

    /// <summary>
    /// Signs every reserve address's ownership message for <paramref name="epoch"/> into the reserves
    /// configuration (the prover reads it when it closes that epoch): what the institution's key holders do
    /// before each close.
    /// </summary>
    public void SignOwnership(ulong epoch)
    {
        foreach (var chain in _reservesConfig["evm"]!.AsArray().Concat(_reservesConfig["solana"]!.AsArray()))
        {
            var id = chain!["chainId"] is { } chainId ? ChainId.Evm(chainId.GetValue<ulong>()) : new ChainId(ChainFamily.Solana, chain["cluster"]!.GetValue<string>());
            foreach (var entry in chain["addresses"]!.AsArray().Where(e => e!["selfDeclared"] is null))
            {
                var address = entry!["address"]!.GetValue<string>();
                var custody = entry["custodian"] is not null;
                var text = new OwnershipMessage(Institution, id, address, epoch, custody).Text;
                entry["signedText"] = text;
                entry["signature"] = custody ? new EthereumMessageSigner().EncodeUTF8AndSign(text, _custodian)
                    : id.Family == ChainFamily.Solana ? SignSolana(text) : new EthereumMessageSigner().EncodeUTF8AndSign(text, new EthECKey(ReserveKey(address)));
            }
        }
        SafeFile.WriteAtomically(Path.Combine(Directory, "reserves.json"), _reservesConfig.ToJsonString(Indented));
    }

    /// <summary>Sets the ETH feed's answer (and mines the block that carries it).</summary>
    public async Task MoveEthPriceAsync(decimal price, CancellationToken cancellationToken)
    {
        var (abi, _) = await ContractArtifact.LoadAsync(_artifacts, "PriceFeed", cancellationToken).ConfigureAwait(false);
        await _a.Eth.GetContract(abi, EthFeed).GetFunction("setAnswer").SendTransactionAndWaitForReceiptAsync(
            _a.TransactionManager.Account.Address, TransactionGas, null, cancellationToken, FeedAnswer(price)).ConfigureAwait(false);
        EthPrice = price;
    }

    /// <summary>The publisher's window length on the registry, in seconds.</summary>
    public const ulong WindowSeconds = 30;

    /// <summary>The heights sampled per EVM chain in each window.</summary>
    public const int WindowSamples = 4;

    /// <summary>How long after its window an epoch may be published on the world's registry.</summary>
    public const ulong PublicationDelay = 300;

    /// <summary>The end of the latest window <see cref="EndWindowAsync"/> let end (0 before the first).</summary>
    private ulong _lastWindowEnd;

    private ulong _firstWindowEnd;

    /// <summary>
    /// Lets the next window of the publisher end, as time would, and returns its epoch (the window's end),
    /// with the reserves' ownership signed for it. The next window is the first one that no block of either
    /// EVM chain has reached yet, so everything done before this call holds through it; the windows passed
    /// over meanwhile become missed (the chain is moved past their deadline). Both chains mine a block a
    /// second through the window until their clocks pass its end, then the registry's chain 64 blocks more
    /// (anvil finalizes a block 64 blocks back), so the seed is final. The chains' clocks run ahead of the
    /// wall clock from then on.
    /// </summary>
    public async Task<ulong> EndWindowAsync(CancellationToken cancellationToken = default)
    {
        var reached = Math.Max(await AnvilClock.NowAsync(_http, RpcA, cancellationToken).ConfigureAwait(false), await AnvilClock.NowAsync(_http, RpcB, cancellationToken).ConfigureAwait(false));
        var next = Math.Max(_firstWindowEnd, _lastWindowEnd + WindowSeconds);
        var end = next;
        while (end - WindowSeconds <= reached)
        {
            end += WindowSeconds;
        }
        var skipped = end > next;
        _lastWindowEnd = end;
        await AnvilClock.MinePastAsync(_http, RpcB, end, cancellationToken: cancellationToken).ConfigureAwait(false);
        await AnvilClock.MinePastAsync(_http, RpcA, end, more: 65, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (skipped)
        {
            // The window before this one may not be published any more (nor skipped while it could be).
            await AnvilClock.MinePastAsync(_http, RpcA, end - WindowSeconds + PublicationDelay, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        SignOwnership(end);
        return end;
    }

    /// <summary>
    /// Files a dispute of a publisher's epoch from a fresh address (funded for gas, as a client would fund
    /// one): only keccak256(salt ‖ statement) goes on chain. Returns how many disputes the epoch has.
    /// </summary>
    public async Task<int> FileDisputeAsync(string publisher, ulong epoch, string statement, CancellationToken cancellationToken = default)
    {
        var client = EthECKey.GenerateKey();
        await JsonRpc.CallAsync(_http, RpcA, "anvil_setBalance", [client.GetPublicAddress(), "0xde0b6b3a7640000"], cancellationToken).ConfigureAwait(false);
        var web3 = new Web3(new Nethereum.Web3.Accounts.Account(client.GetPrivateKey(), 31337), RpcA);
        var registry = new SolvencyRegistryClient(web3, Registry, client.GetPublicAddress());
        await registry.DisputeAsync(publisher, epoch, FiledDispute.Hash(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), statement)).ConfigureAwait(false);
        return (await registry.DisputesAsync(publisher, epoch).ConfigureAwait(false)).Count;
    }

    /// <summary>
    /// An auditor, registered on the registry by its owner (the deployer), co-signs a publisher's epoch:
    /// the auditor's key signs the EIP-712 digest of the stored publication and the report's keccak256,
    /// and the deployer relays it. Returns the co-signature as the registry records it.
    /// </summary>
    public async Task<CoSignatureOnRecord> CoSignAsync(string publisher, ulong epoch, byte[] report, CancellationToken cancellationToken = default)
    {
        var auditor = EthECKey.GenerateKey();
        var registry = new SolvencyRegistryClient(_a, Registry, _a.TransactionManager.Account.Address);
        await registry.RegisterAuditorAsync(auditor.GetPublicAddress(), AuditorName).ConfigureAwait(false);
        var reportHash = new Nethereum.Util.Sha3Keccack().CalculateHash(report);
        var statement = await registry.CoSignStatementAsync(publisher, epoch, reportHash).ConfigureAwait(false);
        await registry.CoSignAsync(publisher, epoch, auditor.GetPublicAddress(), reportHash, CoSignStatement.Sign(statement.Digest(31337, Registry), auditor)).ConfigureAwait(false);
        return (await registry.CoSignaturesAsync(publisher, epoch).ConfigureAwait(false)).Single();
    }

    /// <summary>The demo auditor's registered name.</summary>
    public const string AuditorName = "Example Audit LLP";

    /// <summary>The demo custodian's registered name.</summary>
    public const string CustodianName = "Example Vault Trust";

    /// <summary>The lending protocol's weights per asset: 10000 minus its haircut in basis points.</summary>
    public static readonly IReadOnlyDictionary<string, uint> LendingWeights = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["BTC"] = 9_000, ["ETH"] = 8_500, ["SOL"] = 7_500, ["USDC"] = 10_000,
    };

    /// <summary>
    /// A lending protocol on the first chain that lends against collateral attestations of
    /// <paramref name="publisher"/>'s epochs (TestAttestedLending, over a CollateralAttestations view beside
    /// the registry), valuing the assets of <paramref name="layout"/> at the feeds and
    /// <see cref="LendingWeights"/>, epochs up to an hour old, bound to a borrower's key funded for gas.
    /// </summary>
    public async Task<(Nethereum.Contracts.Contract Lending, Web3 Borrower)> DeployLendingAsync(IReadOnlyList<string> layout, string publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var view = await CollateralAttestationsClient.DeployAsync(_a, _artifacts, Registry, cancellationToken).ConfigureAwait(false);
        var lending = await Deploy(_a, "TestAttestedLending",
            [view, publisher, layout.Select(s => _feeds[s]).ToList(), layout.Select(s => new BigInteger(LendingWeights[s])).ToList(), 3_600UL], cancellationToken).ConfigureAwait(false);
        var borrower = EthECKey.GenerateKey();
        await SetBalances(RpcA, [borrower.GetPublicAddress()], [Units(1m, 18)], cancellationToken).ConfigureAwait(false);
        var web3 = new Web3(new Nethereum.Web3.Accounts.Account(borrower, ulong.Parse(ChainA.Reference, CultureInfo.InvariantCulture)), RpcA);
        var (abi, _) = await ContractArtifact.LoadAsync(_artifacts, "TestAttestedLending", cancellationToken).ConfigureAwait(false);
        return (web3.Eth.GetContract(abi, lending), web3);
    }

    /// <summary>The coverage ratio the demo publisher fixes for every asset, in basis points.</summary>
    public const uint CoverageBasisPoints = 10_500;

    /// <summary>A new block on each EVM chain and a new slot on Solana: the adapters publish a batch for each.</summary>
    public async Task AdvanceAsync(CancellationToken cancellationToken)
    {
        await JsonRpc.CallAsync(_http, RpcA, "evm_mine", [], cancellationToken).ConfigureAwait(false);
        await JsonRpc.CallAsync(_http, RpcB, "evm_mine", [], cancellationToken).ConfigureAwait(false);
        await JsonRpc.CallAsync(_http, _solana, "test_advanceSlot", [1], cancellationToken).ConfigureAwait(false);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    private async Task BuildAsync(int count, CancellationToken cancellationToken)
    {
        var deployer = _a.TransactionManager.Account.Address;
        // Contracts.
        var multicallA = await Deploy(_a, "Multicall3", [], cancellationToken).ConfigureAwait(false);
        var multicallB = await Deploy(_b, "Multicall3", [], cancellationToken).ConfigureAwait(false);
        var usdcA = await Deploy(_a, "TestToken", ["USD Coin", "USDC", (byte)6, false], cancellationToken).ConfigureAwait(false);
        var wbtcB = await Deploy(_b, "TestToken", ["Wrapped BTC", "BTC", (byte)8, false], cancellationToken).ConfigureAwait(false);
        EthFeed = await Deploy(_a, "PriceFeed", [(byte)FeedDecimals, "ETH / USD", FeedAnswer(EthPrice)], cancellationToken).ConfigureAwait(false);
        var btcFeed = _feeds["BTC"] = await Deploy(_a, "PriceFeed", [(byte)FeedDecimals, "BTC / USD", FeedAnswer(60_000m)], cancellationToken).ConfigureAwait(false);
        var solFeed = _feeds["SOL"] = await Deploy(_a, "PriceFeed", [(byte)FeedDecimals, "SOL / USD", FeedAnswer(150m)], cancellationToken).ConfigureAwait(false);
        _feeds["ETH"] = EthFeed;
        _feeds["USDC"] = await Deploy(_a, "PriceFeed", [(byte)FeedDecimals, "USDC / USD", FeedAnswer(1m)], cancellationToken).ConfigureAwait(false);
        Registry = await RegistryDeployment.DeployAsync(_a, _artifacts, PublicationDelay, cancellationToken: cancellationToken).ConfigureAwait(false);
        var registry = new SolvencyRegistryClient(_a, Registry, deployer);
        await registry.SetPublisherAsync(deployer, true).ConfigureAwait(false);
        // The publisher's windows, announced before the first one starts (a whole window from now).
        _firstWindowEnd = ((await AnvilClock.NowAsync(_http, RpcA, cancellationToken).ConfigureAwait(false) / WindowSeconds) + 3) * WindowSeconds;
        await registry.AnnounceAsync(Institution, WindowSeconds, _firstWindowEnd, WindowSamples).ConfigureAwait(false);
        // Its coverage ratios, fixed before the first window starts: reserves at least 105% of the
        // liabilities of every asset (they hold 110%), the liabilities themselves never shown.
        await registry.SetCoverageAsync([CoverageBasisPoints, CoverageBasisPoints, CoverageBasisPoints, CoverageBasisPoints]).ConfigureAwait(false);
        await registry.RegisterCustodianAsync(_custodian.GetPublicAddress(), CustodianName).ConfigureAwait(false);
        var usdcSolana = (await JsonRpc.CallAsync(_http, _solana, "test_createMint", [6, "spl-token"], cancellationToken).ConfigureAwait(false))!.GetValue<string>();

        // Accounts: a deposit address on each chain.
        var onA = _depositsA = Enumerable.Range(0, count).Select(_ => EthECKey.GenerateKey().GetPublicAddress()).ToArray();
        var onB = Enumerable.Range(0, count).Select(_ => EthECKey.GenerateKey().GetPublicAddress()).ToArray();
        var onSolana = Enumerable.Range(0, count).Select(_ => Base58.Encode(RandomNumberGenerator32())).ToArray();
        var ethA = Enumerable.Range(0, count).Select(i => Units(1m + i % 10 * 0.5m, 18)).ToArray();
        var ethB = Enumerable.Range(0, count).Select(_ => Units(0.25m, 18)).ToArray();
        var sol = Enumerable.Range(0, count).Select(i => Units(5m + i % 20, 9)).ToArray();
        BigInteger usdcBase = Units(100m, 6), btcBase = Units(0.01m, 8), usdcOnSolana = Units(50m, 6);
        await SetBalances(RpcA, onA, ethA, cancellationToken).ConfigureAwait(false);
        await SetBalances(RpcB, onB, ethB, cancellationToken).ConfigureAwait(false);
        await MintMany(_a, usdcA, onA, usdcBase, cancellationToken).ConfigureAwait(false);
        await MintMany(_b, wbtcB, onB, btcBase, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in onSolana.Select((a, i) => (a, i)).Chunk(500))
        {
            await JsonRpc.BatchAsync(_http, _solana, [.. chunk.Select(x => ("test_airdrop", new JsonArray(x.a, sol[x.i].ToString(CultureInfo.InvariantCulture))))], cancellationToken).ConfigureAwait(false);
        }
        for (var i = 0; i < count; i += 4)
        {
            await JsonRpc.CallAsync(_http, _solana, "test_mintTo", [usdcSolana, onSolana[i], usdcOnSolana.ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
        }

        // The books: each account owes USDC for a health factor of 1.15 to 1.85 at today's prices.
        var debts = new List<(string, BigInteger)>();
        var accounts = new JsonArray();
        var owed = new Dictionary<string, BigInteger> { ["ETH"] = 0, ["BTC"] = 0, ["SOL"] = 0, ["USDC"] = 0 };
        for (var i = 0; i < count; i++)
        {
            var id = $"account-{i:D5}";
            decimal eth = Whole(ethA[i] + ethB[i], 18), btc = Whole(btcBase + i, 8), sols = Whole(sol[i], 9), usdc = Whole(usdcBase + i + (i % 4 == 0 ? usdcOnSolana : 0), 6);
            var weighted = eth * EthPrice * 0.825m + btc * 60_000m * 0.75m + sols * 150m * 0.70m + usdc * 0.88m;
            debts.Add((id, Units(decimal.Round(weighted / (1.15m + i % 8 * 0.1m), 6, MidpointRounding.ToZero), 6)));
            owed["ETH"] += ethA[i] + ethB[i];
            owed["BTC"] += btcBase + i;
            owed["SOL"] += sol[i];
            owed["USDC"] += usdcBase + i + (i % 4 == 0 ? usdcOnSolana : 0);
            accounts.Add(new JsonObject
            {
                ["id"] = id,
                ["deposits"] = new JsonObject
                {
                    [ChainA.ToString()] = new JsonArray(onA[i]),
                    [ChainB.ToString()] = new JsonArray(onB[i]),
                    [SolanaChain.ToString()] = new JsonArray(onSolana[i]),
                },
            });
        }
        Debts = debts;

        // Reserves: development accounts 1 (first chain) and 2 (second chain) and a Solana key, holding a
        // tenth more than is owed.
        var reserveA = new EthECKey(DevelopmentKeys[1]).GetPublicAddress();
        var reserveB = new EthECKey(DevelopmentKeys[2]).GetPublicAddress();
        var reserveSolana = Base58.Encode(_solanaReserveKey.GeneratePublicKey().GetEncoded());
        static BigInteger Cover(BigInteger owed) => owed * 11 / 10 + 1;
        await SetBalances(RpcA, [reserveA], [Cover(owed["ETH"])], cancellationToken).ConfigureAwait(false);
        await SetBalances(RpcB, [reserveB], [Units(1m, 18)], cancellationToken).ConfigureAwait(false);
        await MintMany(_a, usdcA, [reserveA], Cover(owed["USDC"]), cancellationToken).ConfigureAwait(false);
        await MintMany(_b, wbtcB, [reserveB], Cover(owed["BTC"]), cancellationToken).ConfigureAwait(false);
        await JsonRpc.CallAsync(_http, _solana, "test_airdrop", [reserveSolana, Cover(owed["SOL"]).ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
        await JsonRpc.CallAsync(_http, _solana, "test_mintTo", [usdcSolana, reserveSolana, Units(1000m, 6).ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
        // Two more addresses on the first chain: one a custodian holds for the institution (counted on its
        // registered custodian's statement), one the institution only lists (reported, never counted).
        var custodied = EthECKey.GenerateKey().GetPublicAddress();
        var declared = EthECKey.GenerateKey().GetPublicAddress();
        await SetBalances(RpcA, [custodied, declared], [Units(2m, 18), Units(500m, 18)], cancellationToken).ConfigureAwait(false);
        await AdvanceAsync(cancellationToken).ConfigureAwait(false);

        // The configuration `aggregator run` reads.
        _reservesConfig = new JsonObject
        {
            ["institution"] = Institution,
            ["evm"] = new JsonArray(
                EvmChain("anvil-a", 31337, RpcA, multicallA, new JsonObject { ["symbol"] = "USDC", ["address"] = usdcA, ["decimals"] = 6 }, reserveA,
                    new JsonObject { ["address"] = custodied, ["custodian"] = _custodian.GetPublicAddress() }, new JsonObject { ["address"] = declared, ["selfDeclared"] = true }),
                EvmChain("anvil-b", 31338, RpcB, multicallB, new JsonObject { ["symbol"] = "BTC", ["address"] = wbtcB, ["decimals"] = 8 }, reserveB)),
            ["solana"] = new JsonArray(new JsonObject
            {
                ["name"] = "solana-local", ["cluster"] = "localnet", ["rpc"] = _solana,
                ["tokens"] = new JsonArray(new JsonObject { ["symbol"] = "USDC", ["mint"] = usdcSolana, ["decimals"] = 6 }),
                ["addresses"] = new JsonArray(new JsonObject { ["address"] = reserveSolana }),
            }),
        };
        SignOwnership(0);
        await File.WriteAllTextAsync(Path.Combine(Directory, "market.json"), Market, cancellationToken).ConfigureAwait(false);
        var keyFile = Path.Combine(Directory, "publisher.key");
        await File.WriteAllTextAsync(keyFile, DevelopmentKeys[0] + "\n", cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        // The front door: a protocol key and the first account's credential, only their hashes stored.
        Api = new Uri($"http://127.0.0.1:{LocalServer.FreePort()}");
        (ProtocolKey, var protocolKeyHash) = Aggregator.Api.Access.ProtocolKey.Generate();
        (Credential, _) = Aggregator.Api.Access.CredentialStore.Change(Path.Combine(Directory, "credentials.json"),
            store => store.Issue(debts[0].Item1, DateTimeOffset.UtcNow, TimeSpan.FromDays(30)));
        var config = new JsonObject
        {
            ["reserves"] = "reserves.json",
            ["market"] = "market.json",
            ["pollSeconds"] = 0.5,
            ["accounts"] = accounts,
            ["oracle"] = new JsonObject
            {
                ["feeds"] = new JsonArray(
                    new JsonObject { ["asset"] = "ETH", ["chain"] = ChainA.ToString(), ["address"] = EthFeed },
                    new JsonObject { ["asset"] = "BTC", ["chain"] = ChainA.ToString(), ["address"] = btcFeed },
                    new JsonObject { ["asset"] = "SOL", ["chain"] = ChainA.ToString(), ["address"] = solFeed }),
                ["fixed"] = new JsonObject { ["USDC"] = "1" },
            },
            ["epochs"] = new JsonObject
            {
                ["directory"] = "epochs",
                ["depth"] = 20,
                ["assets"] = new JsonArray("BTC:8", "ETH:8", "SOL:9", "USDC:6"),
                ["publisherKeyFile"] = "publisher.key",
                ["registry"] = new JsonObject { ["chain"] = ChainA.ToString(), ["address"] = Registry },
                // The demo proves once or twice: building the window multiples would cost more than it saves.
                ["precomputeBases"] = false,
            },
            ["api"] = new JsonObject
            {
                ["listen"] = Api.ToString().TrimEnd('/'),
                ["protocolKeys"] = new JsonArray(new JsonObject { ["name"] = "demo-protocol", ["sha256"] = protocolKeyHash, ["accounts"] = new JsonArray("*") }),
            },
        };
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString(Indented), cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject EvmChain(string name, ulong chainId, string rpc, string multicall, JsonObject token, string reserve, params JsonObject[] others) => new()
    {
        ["name"] = name, ["chainId"] = chainId, ["rpc"] = rpc, ["confirmations"] = 0, ["multicall3"] = multicall,
        ["tokens"] = new JsonArray(token),
        ["addresses"] = new JsonArray([new JsonObject { ["address"] = reserve }, .. others]),
    };

    // Prices move through the feeds; haircuts none; quotes stay fresh for ten minutes (the feeds are set
    // at deployment and when the demo moves a price, not on a heartbeat).
    private const string Market = """
        {
          "params": { "stalenessSeconds": 600 },
          "assets": [
            { "symbol": "ETH", "decimals": 18, "ltv": "0.80", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "3000" },
            { "symbol": "BTC", "decimals": 8, "ltv": "0.70", "liquidationThreshold": "0.75", "liquidationBonus": "0.06", "price": "60000" },
            { "symbol": "SOL", "decimals": 9, "ltv": "0.65", "liquidationThreshold": "0.70", "liquidationBonus": "0.08", "price": "150" },
            { "symbol": "USDC", "decimals": 6, "ltv": "0.85", "liquidationThreshold": "0.88", "liquidationBonus": "0.04", "price": "1" }
          ],
          "accounts": []
        }
        """;

    private static string ReserveKey(string address) =>
        DevelopmentKeys.First(k => string.Equals(new EthECKey(k).GetPublicAddress(), address, StringComparison.OrdinalIgnoreCase));

    private string SignSolana(string text)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _solanaReserveKey);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return Base58.Encode(signer.GenerateSignature());
    }

    private static byte[] RandomNumberGenerator32() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    private static BigInteger FeedAnswer(decimal price) => Units(price, FeedDecimals);

    private static BigInteger Units(decimal whole, int decimals) => new BigInteger(whole * (decimal)BigInteger.Pow(10, Math.Min(decimals, 18))) * BigInteger.Pow(10, Math.Max(0, decimals - 18));

    private static decimal Whole(BigInteger units, int decimals) => (decimal)units / (decimal)BigInteger.Pow(10, decimals);

    private Task<string> Deploy(Web3 web3, string name, object[] arguments, CancellationToken cancellationToken) =>
        ContractArtifact.DeployAsync(web3, _artifacts, name, arguments, cancellationToken);

    private async Task SetBalances(string rpc, string[] addresses, BigInteger[] wei, CancellationToken cancellationToken)
    {
        foreach (var chunk in addresses.Select((a, i) => (a, i)).Chunk(500))
        {
            await JsonRpc.BatchAsync(_http, rpc, [.. chunk.Select(x => ("anvil_setBalance", new JsonArray(x.a, new HexBigInteger(wei[x.i]).HexValue)))], cancellationToken).ConfigureAwait(false);
        }
    }

    // TestToken.mintMany gives base + i to the i-th address of each call.
    private async Task MintMany(Web3 web3, string token, string[] addresses, BigInteger amountBase, CancellationToken cancellationToken)
    {
        var (abi, _) = await ContractArtifact.LoadAsync(_artifacts, "TestToken", cancellationToken).ConfigureAwait(false);
        var mint = web3.Eth.GetContract(abi, token).GetFunction("mintMany");
        for (var start = 0; start < addresses.Length; start += 500)
        {
            var chunk = addresses.Skip(start).Take(500).ToList();
            var receipt = await mint.SendTransactionAndWaitForReceiptAsync(web3.TransactionManager.Account.Address, MintGas, null, cancellationToken, chunk, amountBase + start).ConfigureAwait(false);
            if (receipt.Status?.Value != 1)
            {
                throw new InvalidOperationException($"mintMany on {token} reverted");
            }
        }
    }
}
