using System.Text.Json.Nodes;
using Aggregator.Testing;

namespace Aggregator.Cli.Tests.Commands;

/// <summary>
/// Every malformed field of every input file is exit 2 with one line naming the file and the field,
/// found before any network call, and nothing is written.
/// </summary>
public sealed class MalformedInputTests : IDisposable
{
    private const string EvmAddress = "0x00000000000000000000000000000000000000aa";
    private const string SolanaAddress = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
    private const string Mint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-malformed-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    // A valid configuration; nothing listens at its RPC URLs, so a case that got past validation would fail differently.
    private static JsonObject ValidConfig() => new()
    {
        ["institution"] = "Example Custody Ltd",
        ["evm"] = new JsonArray(new JsonObject
        {
            ["name"] = "mainnet", ["chainId"] = 1, ["rpc"] = "http://127.0.0.1:9/", ["multicall3"] = "0xcA11bde05977b3631167028862bE2a173976CA11",
            ["tokens"] = new JsonArray(new JsonObject { ["symbol"] = "USDC", ["address"] = "0x00000000000000000000000000000000000000bb", ["decimals"] = 6 }),
            ["addresses"] = new JsonArray(Address(EvmAddress)),
        }),
        ["solana"] = new JsonArray(new JsonObject
        {
            ["name"] = "solana", ["cluster"] = "mainnet", ["rpc"] = "http://127.0.0.1:9/",
            ["tokens"] = new JsonArray(new JsonObject { ["symbol"] = "USDC", ["mint"] = Mint, ["decimals"] = 6 }),
            ["addresses"] = new JsonArray(Address(SolanaAddress)),
        }),
    };

    private static JsonObject Address(string address) => new() { ["address"] = address, ["signedText"] = "signed", ["signature"] = "0x00" };

    public static TheoryData<string, string, string> ConfigCases => new()
    {
        { "token decimals -1", "$.evm[0].tokens[0].decimals", "evm.0.tokens.0.decimals=-1" },
        { "token decimals 300", "$.evm[0].tokens[0].decimals", "evm.0.tokens.0.decimals=300" },
        { "empty token symbol", "$.evm[0].tokens[0].symbol", "evm.0.tokens.0.symbol=\"\"" },
        { "address not an address", "$.evm[0].addresses[0].address", "evm.0.addresses.0.address=\"not-an-address\"" },
        { "rpc not a url", "$.evm[0].rpc", "evm.0.rpc=\"not a url\"" },
        { "multicall3 not 20 bytes", "$.evm[0].multicall3", "evm.0.multicall3=\"0x1234\"" },
        { "chain id of the wrong type", "$.evm[0].chainId", "evm.0.chainId=\"one\"" },
        { "chain id missing", "$.evm[0].chainId", "evm.0.chainId=null" },
        { "mint not base58", "$.solana[0].tokens[0].mint", "solana.0.tokens.0.mint=\"0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl\"" },
        { "solana address not base58", "$.solana[0].addresses[0].address", "solana.0.addresses.0.address=\"not-an-address\"" },
        { "unknown token program", "$.solana[0].tokens[0].program", "solana.0.tokens.0.program=\"" + "11111111111111111111111111111111" + "\"" },
        { "a symbol with other decimals on another chain", "$.solana[0].tokens[0].decimals", "solana.0.tokens.0.decimals=9" },
        { "institution missing", "$.institution", "institution=null" },
        { "unknown property", "$", "evm.0.rcp=\"http://127.0.0.1:9/\"" },
    };

    [Theory]
    [MemberData(nameof(ConfigCases))]
    public void A_malformed_reserves_configuration_is_exit_2_naming_the_field(string name, string field, string edit)
    {
        var config = ValidConfig();
        Apply(config, edit);
        AssertRefused(name, Write(config.ToJsonString()), field);
    }

    [Fact]
    public void The_same_chain_under_two_names_is_refused_naming_both()
    {
        var config = ValidConfig();
        var second = config["evm"]![0]!.DeepClone().AsObject();
        second["name"] = "mainnet-again";
        second["addresses"] = new JsonArray(Address("0x00000000000000000000000000000000000000cc"));
        config["evm"]!.AsArray().Add(second);
        var error = AssertRefused("duplicate chain", Write(config.ToJsonString()), "$.evm[1].chainId");
        Assert.Contains("$.evm[0].chainId", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_listed_twice_in_another_case_is_refused_naming_both()
    {
        var config = ValidConfig();
        config["evm"]![0]!["addresses"]!.AsArray().Add(Address(EvmAddress.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)));
        var error = AssertRefused("duplicate address", Write(config.ToJsonString()), "$.evm[0].addresses[1].address");
        Assert.Contains("$.evm[0].addresses[0].address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_listed_twice_is_refused()
    {
        var config = ValidConfig();
        config["evm"]![0]!["tokens"]!.AsArray().Add(new JsonObject { ["symbol"] = "USDT", ["address"] = "0x00000000000000000000000000000000000000BB", ["decimals"] = 6 });
        AssertRefused("duplicate token", Write(config.ToJsonString()), "$.evm[0].tokens[1].address");
    }

    [Fact]
    public void A_duplicate_json_key_is_refused()
    {
        var json = ValidConfig().ToJsonString().Replace("\"name\":\"mainnet\"", "\"name\":\"mainnet\",\"name\":\"other\"", StringComparison.Ordinal);
        AssertRefused("duplicate key", Write(json), "$.evm[0]");
    }

    [Fact]
    public void A_reserves_record_without_a_name_is_exit_2_naming_the_field()
    {
        var config = Write(ValidConfig().ToJsonString());
        var report = Write("""
            { "format": "aggregator-reserves/1", "institution": "Example Custody Ltd", "epoch": 1, "reserves": {},
              "chains": [ { "chain": "eip155:1", "height": 5, "blockHash": "0x00", "addresses": [] } ] }
            """);
        var (exit, _, error) = CliRunner.Run("reserves", "verify", report, "--config", config);
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(report, error, StringComparison.Ordinal);
        Assert.Contains("$.chains[0]", error, StringComparison.Ordinal);
        Assert.Contains("name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_staleness_beyond_any_time_span_is_exit_2_naming_the_field()
    {
        var scenario = Write("""
            { "params": { "stalenessSeconds": "100000000000000" },
              "assets": [ { "symbol": "ETH", "decimals": 18, "ltv": "0.8", "liquidationThreshold": "0.825", "liquidationBonus": "0.05", "price": "2000" } ],
              "accounts": [] }
            """);
        var (exit, _, error) = CliRunner.Run("margin", "evaluate", "--input", scenario);
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains($"{scenario}, $.params.stalenessSeconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Publishing_to_a_node_that_is_not_running_is_a_failed_operation_in_one_line()
    {
        var epoch = Directory.CreateDirectory(Path.Combine(_workspace, "epoch")).FullName;
        var ledger = Write("account,BTC\nalice,1\n");
        Assert.Equal(0, CliRunner.Run("commit", "--publisher", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--ledger", ledger, "--assets", "BTC:8", "--depth", "4", "--out", Path.Combine(epoch, "e")).Exit);
        File.WriteAllText(Path.Combine(epoch, "e", "solvency-proof.json"), """{ "proof": { "pi_a": ["1","2","1"], "pi_b": [["1","2"],["3","4"],["1","0"]], "pi_c": ["1","2","1"] } }""");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(epoch, "e", "manifest.json")))!;
        manifest["reserves"] = new JsonArray(new JsonObject { ["symbol"] = "BTC", ["amount"] = "1", ["proofUnits"] = "100000000" });
        File.WriteAllText(Path.Combine(epoch, "e", "manifest.json"), manifest.ToJsonString());
        var key = Write("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        var (exit, _, error) = CliRunner.Run("publish", "--epoch", Path.Combine(epoch, "e"), "--rpc", "http://127.0.0.1:9/", "--registry", "0x00000000000000000000000000000000000000aa", "--key-file", key);
        Assert.Equal(1, exit);
        Assert.Single(error.TrimEnd().Split('\n'), line => !line.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Contains("did not answer", error, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:9", error, StringComparison.Ordinal); // an RPC URL may carry credentials
    }

    private string AssertRefused(string name, string config, string field)
    {
        var output = Path.Combine(_workspace, $"{Guid.NewGuid():N}-reserves.json");
        var (exit, stdout, error) = CliRunner.Run("reserves", "--config", config, "--epoch", "1", "--out", output);
        Assert.True(exit == 2, $"{name}: exit {exit}, {error}{stdout}");
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(config, error, StringComparison.Ordinal);
        Assert.Contains(field, error, StringComparison.Ordinal);
        Assert.False(File.Exists(output), $"{name}: {output} was written");
        return error;
    }

    public static TheoryData<string, string, string> RunConfigCases => new()
    {
        { "a deposit on a chain not configured", "$.accounts[0].deposits", """{ "eip155:10": ["0x00000000000000000000000000000000000000c1"] }""" },
        { "not a chain id", "$.accounts[0].deposits", """{ "ethereum": ["0x00000000000000000000000000000000000000c1"] }""" },
        { "one address for two accounts", "$.accounts", """{ "eip155:1": ["0x00000000000000000000000000000000000000C2"] }""" },
    };

    public static TheoryData<string, string, string> OracleCases => new()
    {
        { "a feed on a chain not configured", "$.oracle.feeds[0].chain", """{ "feeds": [{ "asset": "USDC", "chain": "eip155:5", "address": "0x00000000000000000000000000000000000000f1" }] }""" },
        { "a feed of an unlisted asset", "$.oracle.feeds[0].asset", """{ "feeds": [{ "asset": "DOGE", "chain": "eip155:1", "address": "0x00000000000000000000000000000000000000f1" }] }""" },
        { "a feed address that is none", "$.oracle.feeds[0].address", """{ "feeds": [{ "asset": "USDC", "chain": "eip155:1", "address": "feed" }] }""" },
        { "a fixed price of zero", "$.oracle.fixed.USDC", """{ "feeds": [], "fixed": { "USDC": "0" } }""" },
        { "a fixed price that is no number", "$.oracle.fixed.USDC", """{ "feeds": [], "fixed": { "USDC": "one" } }""" },
    };

    [Theory]
    [MemberData(nameof(OracleCases))]
    public void A_malformed_oracle_section_is_exit_2_naming_the_field_before_anything_starts(string name, string field, string oracle)
    {
        var (exit, output, error, config) = RunWith("{}", oracle);
        Assert.True(exit == 2, $"{name}: {error}");
        Assert.Equal("", output);
        Assert.Contains($"{config}, {field}", error, StringComparison.Ordinal);
    }

    private (int Exit, string Output, string Error, string Config) RunWith(string deposits, string? oracle = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_workspace, Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(folder, "reserves.json"), ValidConfig().ToJsonString());
        File.WriteAllText(Path.Combine(folder, "market.json"), """
            { "assets": [{ "symbol": "USDC", "decimals": 6, "ltv": "0.85", "liquidationThreshold": "0.88", "liquidationBonus": "0.04", "price": "1" }], "accounts": [] }
            """);
        var config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, $$"""
            { "reserves": "reserves.json", "market": "market.json", {{(oracle is null ? "" : $"\"oracle\": {oracle},")}} "accounts": [
                { "id": "alice", "deposits": {{deposits}} },
                { "id": "bob", "deposits": { "eip155:1": ["0x00000000000000000000000000000000000000c2"] } } ] }
            """);
        var (exit, output, error) = CliRunner.Run("run", "--config", config);
        return (exit, output, error, config);
    }

    [Theory]
    [MemberData(nameof(RunConfigCases))]
    public void A_malformed_run_configuration_is_exit_2_naming_the_field_before_anything_starts(string name, string field, string deposits)
    {
        var (exit, output, error, config) = RunWith(deposits);
        Assert.True(exit == 2, $"{name}: {error}");
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains($"{config}, {field}", error, StringComparison.Ordinal);
    }

    private string Write(string contents)
    {
        var path = Path.Combine(_workspace, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, contents);
        return path;
    }

    // "a.0.b=json": sets the value at that path (array indexes as numbers).
    private static void Apply(JsonNode root, string edit)
    {
        var (path, value) = (edit[..edit.IndexOf('=', StringComparison.Ordinal)], edit[(edit.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, out var index) ? node[index]! : node[part]!;
        }
        node[parts[^1]] = JsonNode.Parse(value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("86401")]
    public void A_timeout_outside_1_to_86400_seconds_is_refused_before_any_bus_is_reached(string seconds)
    {
        // Zero made every ledger entry "not taken", and a negative one failed inside the CLI.
        string[][] verbs =
        [
            ["ledger", "publish", "--file", "entries.csv", "--config", "aggregator.json", "--bus", "amqps://operator@127.0.0.1:9/", "--timeout", seconds],
            ["epoch", "close", "--bus", "amqps://operator@127.0.0.1:9/", "--timeout", seconds],
            ["epoch", "inclusion", "--bus", "amqps://operator@127.0.0.1:9/", "--epoch", "1", "--account", "a", "--out", "x.json", "--timeout", seconds],
        ];
        foreach (var verb in verbs)
        {
            var (exit, _, error) = CliRunner.Run(verb);
            Assert.Equal(2, exit);
            Assert.Contains("--timeout must be 1 to 86400 seconds", error, StringComparison.Ordinal);
        }
    }
}
