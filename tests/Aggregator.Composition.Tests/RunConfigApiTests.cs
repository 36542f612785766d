using System.Text.Json.Nodes;
using Aggregator.Composition.Configuration;
using Aggregator.Core.Errors;
using Aggregator.Testing;

namespace Aggregator.Composition.Tests;

/// <summary>The configuration's api section: where it may listen, its keys, its limits.</summary>
public sealed class RunConfigApiTests : IDisposable
{
    private static readonly string KeyHash = new('a', 64);

    private readonly DeployConfigFolder _config = new();

    private string Folder => _config.Path;

    public void Dispose() => _config.Dispose();

    private string With(Action<JsonObject> change, bool epochs = true)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "aggregator.json")))!.AsObject();
        config["epochs"]!["publisherKeyFile"] = "publisher.key";
        if (!epochs)
        {
            config.Remove("epochs");
        }
        var api = new JsonObject
        {
            ["listen"] = "http://127.0.0.1:8080",
            ["protocolKeys"] = new JsonArray(new JsonObject { ["name"] = "lender", ["sha256"] = KeyHash, ["accounts"] = new JsonArray("alice") }),
        };
        change(api);
        config["api"] = api;
        var path = Path.Combine(Folder, $"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Fact]
    public void A_valid_section_gives_the_api_its_settings_beside_the_provers_epochs()
    {
        var config = RunConfigFile.Read(With(_ => { }));
        var api = config.Api!;
        Assert.Equal(new Uri("http://127.0.0.1:8080"), api.Listen);
        Assert.Equal(config.Prover!.Directory, api.EpochsDirectory);
        Assert.Equal(Path.Combine(Folder, "credentials.json"), api.CredentialsFile);
        var key = Assert.Single(api.ProtocolKeys);
        Assert.Equal(("lender", false), (key.Name, key.AllowsEveryAccount));
        Assert.Contains("alice", key.Accounts!);
        // Ready means the registry's node answers.
        Assert.Single(api.ReadinessRpcs);
    }

    [Theory]
    [InlineData("public-plain", "would carry credentials in the clear", "$.api.listen")]
    [InlineData("hostname", "is not http(s)://ADDRESS:PORT", "$.api.listen")]
    [InlineData("path", "is not http(s)://ADDRESS:PORT", "$.api.listen")]
    [InlineData("https-no-tls", "https needs \"tls\"", "$.api.tls")]
    [InlineData("tls-missing-file", "the TLS file does not exist", "$.api.tls")]
    [InlineData("proxy", "is not an IP address or network", "$.api.trustedProxies")]
    [InlineData("key-hash", "64 hex digits", "$.api.protocolKeys[0].sha256")]
    [InlineData("key-star-and-more", "alone for every account", "$.api.protocolKeys[0].accounts")]
    [InlineData("key-twice", "a name of its own", "$.api.protocolKeys[1].name")]
    [InlineData("rate", "requests per second are 1 to 1,000,000", "$.api.requestsPerSecondPerAddress")]
    [InlineData("body", "maxRequestBytes is 256 to 1,048,576", "$.api.maxRequestBytes")]
    [InlineData("origin", "is not an origin", "$.api.corsOrigins")]
    [InlineData("cap", "inclusionProofsPerEpoch is a positive number of accounts", "$.api.inclusionProofsPerEpoch")]
    public void A_bad_value_is_refused_naming_its_place(string fault, string message, string field)
    {
        var path = With(api =>
        {
            switch (fault)
            {
                case "public-plain": api["listen"] = "http://0.0.0.0:8080"; break;
                case "hostname": api["listen"] = "http://api.example.com:8080"; break;
                case "path": api["listen"] = "http://127.0.0.1:8080/api"; break;
                case "https-no-tls": api["listen"] = "https://0.0.0.0:8443"; break;
                case "tls-missing-file": api["listen"] = "https://0.0.0.0:8443"; api["tls"] = new JsonObject { ["certificate"] = "cert.pem", ["key"] = "key.pem" }; break;
                case "proxy": api["trustedProxies"] = new JsonArray("proxy.internal"); break;
                case "key-hash": api["protocolKeys"]![0]!["sha256"] = "abc"; break;
                case "key-star-and-more": api["protocolKeys"]![0]!["accounts"] = new JsonArray("*", "alice"); break;
                case "key-twice": api["protocolKeys"]!.AsArray().Add(new JsonObject { ["name"] = "lender", ["sha256"] = KeyHash, ["accounts"] = new JsonArray("*") }); break;
                case "rate": api["requestsPerSecondPerAddress"] = 0; break;
                case "body": api["maxRequestBytes"] = 10; break;
                case "origin": api["corsOrigins"] = new JsonArray("https://verify.example/"); break;
                case "cap": api["inclusionProofsPerEpoch"] = 0; break;
            }
        });
        var error = Assert.Throws<InputException>(() => RunConfigFile.Read(path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void The_stated_cap_of_inclusion_proofs_per_epoch_is_read()
    {
        Assert.Null(RunConfigFile.Read(With(_ => { })).Api!.InclusionProofsPerEpoch);
        Assert.Equal(250_000, RunConfigFile.Read(With(a => a["inclusionProofsPerEpoch"] = 250_000)).Api!.InclusionProofsPerEpoch);
    }

    [Fact]
    public void Plain_http_beyond_loopback_is_taken_only_behind_a_named_proxy()
    {
        var api = RunConfigFile.Read(With(a => { a["listen"] = "http://0.0.0.0:8080"; a["trustedProxies"] = new JsonArray("10.0.0.5", "172.16.0.0/12"); })).Api!;
        Assert.Equal(["10.0.0.5/32", "172.16.0.0/12"], api.TrustedProxies.Select(p => p.ToString()));
    }

    [Fact]
    public void The_api_needs_the_epochs_it_serves()
    {
        var error = Assert.Throws<InputException>(() => RunConfigFile.Read(With(_ => { }, epochs: false)));
        Assert.Equal("$.api", error.Field);
    }
}
