using System.Text.Json.Nodes;
using Aggregator.Core.Errors;
using Aggregator.Composition.Configuration;
using Aggregator.Testing;

namespace Aggregator.Composition.Tests;

/// <summary>The configuration's epochs section: what a hostile or mistaken configuration cannot get past.</summary>
public sealed class RunConfigEpochsTests : IDisposable
{
    private readonly DeployConfigFolder _config = new();

    private string Folder => _config.Path;

    public void Dispose() => _config.Dispose();

    private string With(Action<JsonNode> change) => WithRoot(config => change(config["epochs"]!));

    private string WithRoot(Action<JsonNode> change)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "aggregator.json")))!;
        config["epochs"]!["publisherKeyFile"] = "publisher.key";
        change(config);
        var path = Path.Combine(Folder, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Fact]
    public void Tree_jobs_are_off_unless_asked_and_then_a_power_of_two_rows_each()
    {
        Assert.Null(RunConfigFile.Read(With(_ => { })).Prover!.TreeJobAccounts);
        Assert.Equal(65536, RunConfigFile.Read(With(e => e["treeJobAccounts"] = 65536)).Prover!.TreeJobAccounts);
        foreach (var wrong in new[] { 0, -4, 3, 65535 })
        {
            var error = Assert.Throws<InputException>(() => RunConfigFile.Read(With(e => e["treeJobAccounts"] = wrong)));
            Assert.Equal("$.epochs.treeJobAccounts", error.Field);
        }
    }

    [Fact]
    public void All_accounts_proving_goes_in_batches_of_256_unless_set()
    {
        Assert.Equal(256, RunConfigFile.Read(With(_ => { })).Prover!.InclusionBatchAccounts);
        Assert.Equal(1000, RunConfigFile.Read(With(e => e["inclusionBatchAccounts"] = 1000)).Prover!.InclusionBatchAccounts);
        var error = Assert.Throws<InputException>(() => RunConfigFile.Read(With(e => e["inclusionBatchAccounts"] = 0)));
        Assert.Equal("$.epochs.inclusionBatchAccounts", error.Field);
    }

    [Fact]
    public void A_valid_section_gives_the_prover_its_settings()
    {
        var prover = RunConfigFile.Read(With(_ => { })).Prover!;
        Assert.Equal(["BTC", "ETH", "SOL", "USDC"], prover.Parameters.Assets.Select(a => a.Id.Symbol));
        Assert.Equal(20, prover.Parameters.Depth);
        Assert.Equal(["alice", "bob"], prover.Accounts.Select(a => a.Id));
        Assert.All(prover.Accounts, a => Assert.NotEmpty(a.Deposits));
        Assert.Equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", prover.Publisher());
        Assert.Equal(TimeSpan.FromDays(1), prover.CloseEvery);
        Assert.True(prover.PrecomputeBases);
        Assert.Equal(TimeSpan.FromMinutes(5), prover.RegistryStatusEvery);
        Assert.Equal(TimeSpan.FromSeconds(60), RunConfigFile.Read(With(e => e["registryStatusSeconds"] = 60)).Prover!.RegistryStatusEvery);
    }

    [Fact]
    public void Inclusion_proofs_are_made_on_demand_unless_the_section_asks_for_all_at_close()
    {
        Assert.False(RunConfigFile.Read(With(_ => { })).Prover!.ProveAllAtClose);
        Assert.True(RunConfigFile.Read(With(epochs => epochs["inclusionProofs"] = "at-close")).Prover!.ProveAllAtClose);
        var error = Assert.Throws<InputException>(() => RunConfigFile.Read(With(epochs => epochs["inclusionProofs"] = "always")));
        Assert.Equal("$.epochs.inclusionProofs", error.Field);
    }

    [Fact]
    public void The_window_multiples_are_built_unless_the_section_says_not_to()
    {
        Assert.True(RunConfigFile.Read(With(epochs => epochs.AsObject().Remove("precomputeBases"))).Prover!.PrecomputeBases);
        Assert.False(RunConfigFile.Read(With(epochs => epochs["precomputeBases"] = false)).Prover!.PrecomputeBases);
    }

    [Theory]
    [InlineData("uncommitted", "the market's SOL is not committed", "$.epochs.assets")]
    [InlineData("finer", "USDC is committed at 8 decimals; the market counts it in 6", "$.epochs.assets")]
    [InlineData("chain", "'eip155:5' is not one of the configured EVM chains", "$.epochs.registry.chain")]
    [InlineData("registry", "'0x12' is not an EVM address", "$.epochs.registry.address")]
    [InlineData("key", "the key file does not exist", null)]
    [InlineData("partitions", "partitions must be 1..1024", "$.epochs.partitions")]
    [InlineData("schedule", "closeEverySeconds must be a positive whole number", "$.epochs.closeEverySeconds")]
    [InlineData("fraction", "closeEverySeconds must be a positive whole number", "$.epochs.closeEverySeconds")]
    [InlineData("precompile", "is a precompile or system address", "$.epochs.registry.address")]
    [InlineData("status", "registryStatusSeconds must be positive", "$.epochs.registryStatusSeconds")]
    [InlineData("unknown", "could not be mapped", null)]
    public void A_bad_value_is_refused_naming_its_place(string fault, string message, string? field)
    {
        var path = With(epochs =>
        {
            switch (fault)
            {
                case "uncommitted": epochs["assets"] = new JsonArray("BTC:8", "ETH:8", "USDC:6"); break;
                case "finer": epochs["assets"] = new JsonArray("BTC:8", "ETH:8", "SOL:9", "USDC:8"); break;
                case "chain": epochs["registry"]!["chain"] = "eip155:5"; break;
                case "registry": epochs["registry"]!["address"] = "0x12"; break;
                case "key": epochs["publisherKeyFile"] = "missing.key"; break;
                case "partitions": epochs["partitions"] = 0; break;
                case "schedule": epochs["closeEverySeconds"] = -1; break;
                case "fraction": epochs["closeEverySeconds"] = 1.5; break;
                case "precompile": epochs["registry"]!["address"] = "0x0000000000000000000000000000000000000001"; break;
                case "status": epochs["registryStatusSeconds"] = 0; break;
                default: epochs["closeEvery"] = 5; break;
            }
        });
        var error = Assert.Throws<InputException>(() => RunConfigFile.Read(path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        if (field is not null)
        {
            Assert.Equal(field, error.Field);
        }
    }

    [Fact]
    public void Each_chain_s_height_advance_is_taken_and_a_chain_not_configured_or_one_that_could_never_advance_is_refused()
    {
        var engine = RunConfigFile.Read(WithRoot(_ => { })).Engine;
        Assert.Equal(new Engine.HeightAdvance(50, 1), engine.AdvanceOf(Core.Chains.ChainId.Evm(1)));
        Assert.Equal(Engine.HeightAdvance.Default, RunConfigFile.Read(WithRoot(c => c.AsObject().Remove("maxHeightAdvance"))).Engine.AdvanceOf(Core.Chains.ChainId.Evm(1)));
        var unknown = Assert.Throws<InputException>(() => RunConfigFile.Read(WithRoot(c => c["maxHeightAdvance"]!["eip155:5"] = new JsonObject { ["blocks"] = 1, ["perSecond"] = 1 })));
        Assert.Equal(("$.maxHeightAdvance", true), (unknown.Field, unknown.Message.Contains("'eip155:5' is not one of the configured chains", StringComparison.Ordinal)));
        var frozen = Assert.Throws<InputException>(() => RunConfigFile.Read(WithRoot(c => c["maxHeightAdvance"]!["eip155:1"] = new JsonObject { ["blocks"] = 0, ["perSecond"] = 0 })));
        Assert.Contains("could never advance", frozen.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reserve_address_given_as_an_account_s_deposit_is_refused_it_would_count_twice()
    {
        var reserve = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "reserves.json")))!["evm"]![0]!["addresses"]![0]!["address"]!.GetValue<string>();
        var path = WithRoot(c => c["accounts"]![1]!["deposits"]!["eip155:1"] = new JsonArray(reserve.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)));
        var error = Assert.Throws<InputException>(() => RunConfigFile.Read(path));
        Assert.Contains("is a reserve address; it cannot also be an account's deposit", error.Message, StringComparison.Ordinal);
        Assert.Equal("$.accounts[1].deposits", error.Field);
    }
}
