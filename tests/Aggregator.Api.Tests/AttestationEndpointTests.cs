using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.Api.Tests;

/// <summary>
/// POST /v1/accounts/{id}/attestations: the account's own credential gets an attestation that verifies and
/// states the terms asked; a shortfall is a 422 naming it; a protocol key may not speak for the account;
/// every refusal of the caller is the one answer; bad terms name their field.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public sealed class AttestationEndpointTests(ApiTestBed bed)
{
    private static readonly Uri Alice = new($"/v1/accounts/{Uri.EscapeDataString(ProvenEpochFixture.Account)}/attestations", UriKind.Relative);
    private const string Borrower = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

    // alice holds 0.5 BTC and 12.25 ETH: at 60,000 less 10% and 3,000 she is worth 63,750.
    private static string Terms(string threshold = "63750", string epoch = "", string extra = "") =>
        $$"""{ {{epoch}} "prices": { "BTC": "60000", "ETH": "3000" }, "haircuts": { "BTC": "0.1" }, "threshold": "{{threshold}}", "subject": "{{Borrower}}", "scope": "4242" {{extra}} }""";

    private static HttpRequestMessage Ask(Uri route, string body, string? bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return request;
    }

    [Fact]
    public async Task The_owner_gets_an_attestation_of_the_newest_epoch_or_the_one_named_that_verifies_and_states_the_terms_asked()
    {
        using var client = bed.Served.CreateClient();
        foreach (var (epoch, field) in new[] { (ApiWorld.Later, ""), (ProvenEpochFixture.Epoch, $"\"epoch\": {ProvenEpochFixture.Epoch}, \"publisher\": \"{ProvenEpochFixture.Publisher}\",") })
        {
            using var response = await client.SendAsync(Ask(Alice, Terms(epoch: field), bed.World.Alice));
            var document = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, document);
            var file = Path.Combine(bed.World.Workspace, $"attestation-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(file, document);
            var report = ProofChecks.Attestation(file, ProofChecks.Published.FromManifest(Path.Combine(bed.World.EpochDirectory(epoch), "manifest.json")), VerificationKeys.Locate(null));
            Assert.True(report.IsValid, report.Failure);
            var json = ApiWorld.Json(document);
            Assert.Equal("6375000000000", json.GetProperty("threshold").GetString());
            Assert.Equal(epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), json.GetProperty("epoch").GetString());
            Assert.DoesNotContain("alice", document, StringComparison.Ordinal);
            Assert.DoesNotContain("salt", document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_shortfall_is_422_naming_it_and_no_attestation()
    {
        using var client = bed.Served.CreateClient();
        using var response = await client.SendAsync(Ask(Alice, Terms("63750.00000001"), bed.World.Alice));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("falls short: its collateral is worth 63750 at these prices and haircuts, below the threshold 63750.00000001", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_protocol_key_that_may_read_the_account_may_not_attest_for_it_and_every_other_caller_hears_the_one_refusal()
    {
        using var client = bed.Served.CreateClient();
        using (var byLender = await client.SendAsync(Ask(Alice, Terms(), bed.World.LenderKey)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byLender.StatusCode);
            Assert.Contains("only the account's own credential", await byLender.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var nobody = new Uri("/v1/accounts/nobody%40example.com/attestations", UriKind.Relative);
        var bob = new Uri("/v1/accounts/bob%40example.com/attestations", UriKind.Relative);
        var cases = new (string Why, Uri Route, string? Bearer)[]
        {
            ("no credential", Alice, null),
            ("another account's credential", Alice, bed.World.Bob),
            ("an expired credential", Alice, bed.World.Expired),
            ("a revoked credential", Alice, bed.World.Revoked),
            ("an account that does not exist, with a credential", nobody, bed.World.Alice),
            // bob's credential is good, and the epoch does not hold him: the prover's refusal is the same answer.
            ("an account the epoch does not hold", bob, bed.World.Bob),
        };
        string? first = null;
        foreach (var (why, route, bearer) in cases)
        {
            using var response = await client.SendAsync(Ask(route, Terms(), bearer));
            var answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            first ??= answer;
            Assert.True(first == answer, $"{why}: {answer}");
        }
        Assert.StartsWith("404 ", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "prices": { "DOGE": "1" }, "threshold": "1", "subject": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "scope": "1" }""", "prices")]
    [InlineData("""{ "prices": { "BTC": "1" }, "haircuts": { "BTC": "2" }, "threshold": "1", "subject": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "scope": "1" }""", "haircuts")]
    [InlineData("""{ "prices": { "BTC": "1" }, "threshold": "-1", "subject": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "scope": "1" }""", "threshold")]
    [InlineData("""{ "prices": { "BTC": "1" }, "threshold": "1", "subject": "0x7099", "scope": "1" }""", "subject")]
    [InlineData("""{ "prices": { "BTC": "1" }, "threshold": "1", "subject": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "scope": "0x01" }""", "scope")]
    [InlineData("""{ "prices": { "BTC": "1" }, "threshold": "1", "subject": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" }""", "$")]
    public async Task Bad_terms_are_a_problem_naming_the_field(string body, string field)
    {
        using var client = bed.Served.CreateClient();
        using var response = await client.SendAsync(Ask(Alice, body, bed.World.Alice));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = ApiWorld.Json(await response.Content.ReadAsStringAsync());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task An_epoch_not_published_is_404()
    {
        using var client = bed.Served.CreateClient();
        using var response = await client.SendAsync(Ask(Alice, Terms(epoch: $"\"epoch\": {ApiWorld.Unpublished},"), bed.World.Alice));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no such published epoch", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>
/// What the api relays of a prover's answer: only an attestation that verifies against the published
/// manifest and states exactly the terms asked; a prover answering for a lower threshold, another
/// subject or scope, or with a broken file, is refused.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public sealed class AttestationAnswerCheckTests(ApiTestBed bed)
{
    private static CollateralTerms Terms(ApiTestBed bed, string threshold, string subject = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", ulong scope = 4242) =>
        CollateralTerms.Parse(bed.Proven.Tree.Parameters.Assets, new Dictionary<string, string> { ["BTC"] = "60000", ["ETH"] = "3000" },
            new Dictionary<string, string> { ["BTC"] = "0.1" }, threshold, subject, Crypto.Field.Fr.FromUInt64(scope));

    [Fact]
    public async Task Only_an_answer_for_exactly_the_terms_asked_is_relayed()
    {
        var keys = RepositoryPaths.Combine("circuits", "keys");
        using var prover = new NativeProver(ProvingKeys.At(keys, "test"), VerificationKeys.At(keys), null);
        var manifest = Commitment.EpochDirectory.ReadManifest(bed.Proven.EpochDirectory);
        var asked = Terms(bed, "60000");
        async Task<string> Answer(CollateralTerms terms) =>
            (await new CollateralAttestations(prover).AttestAsync(manifest, bed.Proven.Tree, ProvenEpochFixture.Account, terms)).Document!.ToJsonString();
        var check = (string document) => Api.Attestations.AccountAttestations.Refusal(bed.Proven.ManifestPath, VerificationKeys.Locate(null), asked, document);

        Assert.Null(check(await Answer(asked)));
        Assert.Equal("the attestation states other terms than those asked for", check(await Answer(Terms(bed, "1000"))));
        Assert.Equal("the attestation states other terms than those asked for", check(await Answer(Terms(bed, "60000", subject: "0x0000000000000000000000000000000000000001"))));
        Assert.Equal("the attestation states other terms than those asked for", check(await Answer(Terms(bed, "60000", scope: 7))));
        Assert.StartsWith("malformed: ", check("""{ "format": "aggregator-collateral-attestation/1" }"""), StringComparison.Ordinal);
        // Another epoch's attestation (the later one, same tree) against this epoch's manifest.
        var later = Commitment.EpochDirectory.ReadManifest(bed.World.EpochDirectory(ApiWorld.Later));
        var foreign = (await new CollateralAttestations(prover).AttestAsync(later, bed.Proven.Tree, ProvenEpochFixture.Account, asked)).Document!.ToJsonString();
        Assert.Contains("the epoch in the file is", check(foreign), StringComparison.Ordinal);
    }
}
