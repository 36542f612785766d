using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aggregator.Api.Access;
using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.Api.Tests;

[Collection(ProvenEpochGroup.Name)]
public sealed class InclusionEndpointTests(ApiTestBed bed)
{
    private static readonly Uri Inclusion = new($"/v1/epochs/{ProvenEpochFixture.Publisher}/{ProvenEpochFixture.Epoch}/inclusion", UriKind.Relative);

    private static HttpRequestMessage Ask(string account, string? bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Inclusion)
        {
            Content = new StringContent($$"""{ "account": "{{account}}" }""", Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return request;
    }

    [Fact]
    public async Task An_owner_gets_their_inclusion_file_proved_on_demand_verified_and_cached()
    {
        using var client = bed.Served.CreateClient();
        using var response = await client.SendAsync(Ask(ProvenEpochFixture.Account, bed.World.Alice));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync();
        Assert.Equal(ProvenEpochFixture.Account, ApiWorld.Json(document).GetProperty("account").GetString());
        // The file verifies as `aggregator verify inclusion` checks it, against the published manifest.
        var file = Path.Combine(bed.World.Workspace, $"alice-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document);
        var report = ProofChecks.Inclusion(file, ProofChecks.Published.FromManifest(Path.Combine(bed.World.EpochDirectory(ProvenEpochFixture.Epoch), "manifest.json")), VerificationKeys.Locate(null));
        Assert.True(report.IsValid, report.Failure);
        // Cached in the api's own directory, owner-only (it holds the salt); nothing written into the epoch directory.
        var cached = Directory.GetFiles(bed.World.Settings.CacheDirectory, EpochProofs.InclusionFileName(ProvenEpochFixture.Account), SearchOption.AllDirectories);
        Assert.Equal(document, await File.ReadAllTextAsync(Assert.Single(cached)));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cached[0]));
        }
        Assert.False(Directory.Exists(Path.Combine(bed.World.EpochDirectory(ProvenEpochFixture.Epoch), "inclusion")));
        using var again = await client.SendAsync(Ask(ProvenEpochFixture.Account, bed.World.Alice));
        Assert.Equal(document, await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Past_the_epochs_stated_cap_a_new_account_is_told_so_and_an_account_served_is_served_again()
    {
        var settings = bed.World.Settings with { InclusionProofsPerEpoch = 1, CacheDirectory = Path.Combine(bed.World.Workspace, $"cache-{Guid.NewGuid():N}") };
        using var api = new ApiFactory(bed.World.WithProver() with { Api = settings });
        using var client = api.CreateClient();
        // An account the epoch does not hold takes no slot: it hears the one refusal, as ever.
        using var unknown = await client.SendAsync(Ask("nobody", bed.World.OperatorKey));
        Assert.NotEqual(HttpStatusCode.OK, unknown.StatusCode);
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
        using var first = await client.SendAsync(Ask("bob", bed.World.OperatorKey));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // The cap is reached: a new account is told so (the cap, never the count), an account served is served again.
        using var second = await client.SendAsync(Ask("dave-7781", bed.World.OperatorKey));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Contains("stated cap of 1 inclusion proofs is reached", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("aggregator dispute file", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var again = await client.SendAsync(Ask("bob", bed.World.OperatorKey));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        // A restarted api counts what its cache holds.
        using var restarted = new ApiFactory(bed.World.WithProver() with { Api = settings });
        using var fresh = restarted.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await fresh.SendAsync(Ask("dave-7781", bed.World.OperatorKey))).StatusCode);
    }

    [Fact]
    public async Task A_protocol_key_reads_the_accounts_it_is_configured_for()
    {
        using var client = bed.Served.CreateClient();
        using var response = await client.SendAsync(Ask(ProvenEpochFixture.Account, bed.World.LenderKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ProvenEpochFixture.Account, ApiWorld.Json(await response.Content.ReadAsStringAsync()).GetProperty("account").GetString());
    }

    [Fact]
    public async Task Every_refusal_is_the_same_answer_whatever_its_reason()
    {
        using var client = bed.Served.CreateClient();
        var world = bed.World;
        var wrong = world.Alice[..^1] + (world.Alice[^1] == 'A' ? 'B' : 'A');
        var unknownId = "agc_0123456789abcdef_" + world.Alice[^43..];
        var cases = new (string Why, string Account, string? Bearer)[]
        {
            ("no credential", ProvenEpochFixture.Account, null),
            ("a wrong credential", ProvenEpochFixture.Account, wrong),
            ("a credential id never issued", ProvenEpochFixture.Account, unknownId),
            ("an expired credential", ProvenEpochFixture.Account, world.Expired),
            ("a revoked credential", ProvenEpochFixture.Account, world.Revoked),
            ("another account's credential", ProvenEpochFixture.Account, world.Bob),
            ("an account that does not exist, with a credential", "nobody@example.com", world.Alice),
            ("a key not configured", ProvenEpochFixture.Account, ProtocolKey.Generate().Key),
            ("a key for other accounts", "bob@example.com", world.LenderKey),
            // The operators' key may read anything: the prover's refusal comes back as the same answer.
            ("an account the epoch does not hold", "nobody@example.com", world.OperatorKey),
            ("bob, whose credential is good, is not in the epoch", "bob@example.com", world.Bob),
            ("garbage", ProvenEpochFixture.Account, new string('x', 5000)),
        };
        var answers = new List<(string Why, HttpStatusCode Status, string Body, string? ContentType)>();
        foreach (var (why, account, bearer) in cases)
        {
            using var request = Ask(account, null);
            if (bearer is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
            }
            using var response = await client.SendAsync(request);
            answers.Add((why, response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString()));
        }
        var first = answers[0];
        Assert.Equal(HttpStatusCode.NotFound, first.Status);
        foreach (var answer in answers)
        {
            Assert.True((first.Status, first.Body, first.ContentType) == (answer.Status, answer.Body, answer.ContentType), $"{answer.Why}: {answer.Status} {answer.Body}");
        }
    }

    [Fact]
    public async Task A_revoked_credential_is_refused_within_a_second_of_the_change()
    {
        var world = bed.World;
        var (credential, record) = CredentialStore.Change(world.Credentials, s => s.Issue(ProvenEpochFixture.Account, DateTimeOffset.UtcNow, null));
        using var client = bed.Served.CreateClient();
        await Eventually.Until(async () => await Status(client, credential) == HttpStatusCode.OK, "the new credential is accepted");
        CredentialStore.Change(world.Credentials, s => s.Revoke(record.Id, null, DateTimeOffset.UtcNow));
        await Eventually.Until(async () => await Status(client, credential) == HttpStatusCode.NotFound, "the revoked credential is refused", TimeSpan.FromSeconds(5));
    }

    private static async Task<HttpStatusCode> Status(HttpClient client, string credential)
    {
        using var response = await client.SendAsync(Ask(ProvenEpochFixture.Account, credential));
        return response.StatusCode;
    }

    [Theory]
    [InlineData("""{ "account": 5 }""", "application/json", HttpStatusCode.BadRequest, "$.account")]
    [InlineData("""{ "acount": "alice" }""", "application/json", HttpStatusCode.BadRequest, "$.acount")]
    [InlineData("""{ "account": "" }""", "application/json", HttpStatusCode.BadRequest, "account")]
    [InlineData("""not json""", "application/json", HttpStatusCode.BadRequest, "$")]
    [InlineData("""{ "account": "alice" }""", "text/plain", HttpStatusCode.UnsupportedMediaType, null)]
    public async Task A_bad_body_is_a_problem_naming_the_field(string body, string contentType, HttpStatusCode status, string? field)
    {
        using var client = bed.Served.CreateClient();
        using var response = await client.PostAsync(Inclusion, new StringContent(body, Encoding.UTF8, contentType));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = ApiWorld.Json(await response.Content.ReadAsStringAsync());
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        using var client = bed.Served.CreateClient();
        var body = $$"""{ "account": "{{new string('a', 20_000)}}" }""";
        using var response = await client.PostAsync(Inclusion, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task No_credential_or_salt_is_ever_logged()
    {
        using var client = bed.Served.CreateClient();
        using (var response = await client.SendAsync(Ask(ProvenEpochFixture.Account, bed.World.Alice)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var salt = ApiWorld.Json(await response.Content.ReadAsStringAsync()).GetProperty("salt").GetString()!;
            using var refused = await client.SendAsync(Ask(ProvenEpochFixture.Account, bed.World.Bob));
            Assert.NotEmpty(bed.Served.Logs.Lines);
            foreach (var secret in new[] { bed.World.Alice, bed.World.Bob, salt, ProvenEpochFixture.SecretHex })
            {
                Assert.DoesNotContain(bed.Served.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            }
        }
    }
}
