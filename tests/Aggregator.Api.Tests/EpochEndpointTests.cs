using System.Net;
using System.Text.Json;
using Aggregator.Testing;

namespace Aggregator.Api.Tests;

[Collection(ProvenEpochGroup.Name)]
public sealed class EpochEndpointTests(ApiTestBed bed) : IDisposable
{
    private readonly ApiWorld _world = new(bed.Proven);

    [Fact]
    public async Task Epochs_are_the_published_ones_newest_first_with_their_reserves_and_publication()
    {
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        var page = ApiWorld.Json(await client.GetStringAsync(new Uri("/v1/epochs", UriKind.Relative)));
        var epochs = page.GetProperty("epochs").EnumerateArray().ToArray();
        // The unpublished epoch is not listed: a commitment nobody published proves nothing.
        Assert.Equal([ApiWorld.Later, ProvenEpochFixture.Epoch], epochs.Select(e => e.GetProperty("epoch").GetUInt64()));
        var later = epochs[0];
        var manifest = Commitment.EpochDirectory.ReadManifest(_world.EpochDirectory(ApiWorld.Later));
        Assert.Equal(manifest.Commitment, later.GetProperty("commitment").GetString());
        Assert.Equal(manifest.ParamsHash, later.GetProperty("paramsHash").GetString());
        Assert.Equal(ProvenEpochFixture.Publisher, later.GetProperty("publisher").GetString());
        var btc = later.GetProperty("reserves")[0];
        Assert.Equal(("BTC", "12.5", "1250000000", 8), (btc.GetProperty("asset").GetString(), btc.GetProperty("amount").GetString(), btc.GetProperty("proofUnits").GetString(), btc.GetProperty("proofDecimals").GetInt32()));
        // The coverage each asset's proof shows, and the reserves per evidence tag as the manifest records them.
        Assert.Equal([10_500u, 10_000, 10_000, 12_000], later.GetProperty("reserves").EnumerateArray().Select(r => r.GetProperty("coverageBasisPoints").GetUInt32()));
        var tags = later.GetProperty("reservesByEvidence");
        Assert.Equal("12", tags.GetProperty("key-proven").GetProperty("BTC").GetString());
        Assert.Equal("0.5", tags.GetProperty("custodian-attested").GetProperty("BTC").GetString());
        Assert.Equal("7", tags.GetProperty("self-declared").GetProperty("BTC").GetString());
        var publication = later.GetProperty("publication");
        Assert.Equal(40UL, publication.GetProperty("block").GetUInt64());
        Assert.Equal("0x" + new string('a', 64), publication.GetProperty("transaction").GetString());
        Assert.Equal($"/v1/epochs/{ProvenEpochFixture.Publisher}/{ApiWorld.Later}/manifest", later.GetProperty("files").GetProperty("manifest").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Pages_follow_their_next_link_to_the_end_and_a_publisher_filter_applies()
    {
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        var first = ApiWorld.Json(await client.GetStringAsync(new Uri("/v1/epochs?limit=1", UriKind.Relative)));
        Assert.Equal(ApiWorld.Later, first.GetProperty("epochs")[0].GetProperty("epoch").GetUInt64());
        var second = ApiWorld.Json(await client.GetStringAsync(new Uri(first.GetProperty("next").GetString()!, UriKind.Relative)));
        Assert.Equal(ProvenEpochFixture.Epoch, Assert.Single(second.GetProperty("epochs").EnumerateArray()).GetProperty("epoch").GetUInt64());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        var other = ApiWorld.Json(await client.GetStringAsync(new Uri("/v1/epochs?publisher=0x70997970c51812dc3a010c7d01b50e0d17dc79c8", UriKind.Relative)));
        Assert.Empty(other.GetProperty("epochs").EnumerateArray());
    }

    [Theory]
    [InlineData("/v1/epochs?limit=0", "limit")]
    [InlineData("/v1/epochs?limit=101", "limit")]
    [InlineData("/v1/epochs?publisher=alice", "publisher")]
    [InlineData("/v1/epochs?after=yesterday", "after")]
    [InlineData("/v1/por/BTC?decimals=37", "decimals")]
    public async Task A_bad_query_is_a_problem_naming_the_field(string address, string field)
    {
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        using var response = await client.GetAsync(new Uri(address, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = ApiWorld.Json(await response.Content.ReadAsStringAsync());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("manifest", "manifest.json")]
    [InlineData("solvency", "solvency-proof.json")]
    [InlineData("reserves", "reserves.json")]
    [InlineData("registry", "registry.json")]
    public async Task Public_files_are_served_byte_for_byte_as_published(string route, string file)
    {
        var path = Path.Combine(_world.EpochDirectory(ProvenEpochFixture.Epoch), file);
        if (!File.Exists(path))
        {
            // The proven fixture has no reserves evidence or registry record of its own: give it one, as a close
            // (or the prover's refresh of the registry's record) writes it.
            await File.WriteAllTextAsync(path, """{ "chains": [] }""" + "\n");
        }
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        using var response = await client.GetAsync(new Uri($"/v1/epochs/{ProvenEpochFixture.Publisher}/{ProvenEpochFixture.Epoch}/{route}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(path), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(ApiWorld.Unpublished)]
    [InlineData(1_600_000_000UL)]
    public async Task An_unpublished_or_unknown_epoch_has_no_files(ulong epoch)
    {
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        using var response = await client.GetAsync(new Uri($"/v1/epochs/{ProvenEpochFixture.Publisher}/{epoch}/manifest", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"no published epoch {epoch}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_that_does_not_recompute_is_never_served()
    {
        var directory = _world.EpochDirectory(ApiWorld.Later);
        var manifest = Commitment.EpochDirectory.ReadManifest(directory);
        // A commitment edited after the fact (say, to match another registry entry).
        Commitment.EpochDirectory.UpdateManifest(directory, manifest with { Commitment = manifest.Commitment[..^1] + (manifest.Commitment[^1] == '0' ? '1' : '0') });
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        var page = ApiWorld.Json(await client.GetStringAsync(new Uri("/v1/epochs", UriKind.Relative)));
        Assert.Equal([ProvenEpochFixture.Epoch], page.GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty("epoch").GetUInt64()));
        Assert.Contains(api.Logs.Lines, line => line.Contains("is not served", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Proven_reserves_are_the_latest_epochs_scaled_and_rounded_down()
    {
        using var api = new ApiFactory(_world.ApiOnly());
        using var client = api.CreateClient();
        var usdc = ApiWorld.Json(await client.GetStringAsync(new Uri("/v1/por/USDC", UriKind.Relative)));
        Assert.Equal(ApiWorld.Later, usdc.GetProperty("epoch").GetUInt64());
        Assert.Equal(("3000000123456", 6), (usdc.GetProperty("answer").GetString(), usdc.GetProperty("decimals").GetInt32()));
        Assert.Equal(12_000u, usdc.GetProperty("coverageBasisPoints").GetUInt32()); // what the coverage feed answers
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)ApiWorld.Later + 12), usdc.GetProperty("updatedAt").GetDateTimeOffset());
        // 3,000,000.123456 at 2 decimals: 300000012, never rounded up; at 8: padded exactly.
        var two = ApiWorld.Json(await client.GetStringAsync(new Uri("/v1/por/USDC?decimals=2", UriKind.Relative)));
        Assert.Equal("300000012", two.GetProperty("answer").GetString());
        var eight = ApiWorld.Json(await client.GetStringAsync(new Uri("/v1/por/USDC?decimals=8", UriKind.Relative)));
        Assert.Equal("300000012345600", eight.GetProperty("answer").GetString());
        using var unknown = await client.GetAsync(new Uri("/v1/por/DOGE", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    public void Dispose() => _world.Dispose();
}
