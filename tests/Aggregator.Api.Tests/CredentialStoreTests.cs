using Aggregator.Api.Access;
using Aggregator.Core.Errors;

namespace Aggregator.Api.Tests;

public sealed class CredentialStoreTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-credentials-").FullName;

    private string StorePath => Path.Combine(_workspace, "credentials.json");

    [Fact]
    public void An_issued_credential_is_stored_as_its_hash_only_in_an_owner_only_file()
    {
        var (credential, record) = CredentialStore.Change(StorePath, s => s.Issue("alice", DateTimeOffset.UnixEpoch, TimeSpan.FromDays(30)));
        var text = File.ReadAllText(StorePath);
        Assert.DoesNotContain(credential, text, StringComparison.Ordinal);
        Assert.DoesNotContain(credential[^43..], text, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(credential))), text, StringComparison.Ordinal);
        Assert.StartsWith($"agc_{record.Id}_", credential, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.UnixEpoch + TimeSpan.FromDays(30), record.ExpiresAt);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StorePath));
        }
        var read = Assert.Single(CredentialStore.Read(StorePath).Records);
        Assert.Equal(record, read);
    }

    [Fact]
    public void Credentials_are_different_every_time_and_live_until_expired_or_revoked()
    {
        var now = DateTimeOffset.UtcNow;
        var first = CredentialStore.Change(StorePath, s => s.Issue("alice", now, TimeSpan.FromDays(1)));
        var second = CredentialStore.Change(StorePath, s => s.Issue("alice", now, null));
        Assert.NotEqual(first.Credential, second.Credential);
        Assert.NotEqual(first.Record.Id, second.Record.Id);
        Assert.True(first.Record.IsLive(now));
        Assert.False(first.Record.IsLive(now + TimeSpan.FromDays(1)));
        Assert.True(second.Record.IsLive(now + TimeSpan.FromDays(3650)));
        var revoked = CredentialStore.Change(StorePath, s => s.Revoke(null, "alice", now));
        Assert.Equal(2, revoked.Count);
        Assert.All(CredentialStore.Read(StorePath).Records, r => Assert.False(r.IsLive(now)));
        // Revoking again revokes nothing more.
        Assert.Empty(CredentialStore.Change(StorePath, s => s.Revoke(first.Record.Id, null, now)));
    }

    [Theory]
    [InlineData("""{ "format": "aggregator-credentials/9", "credentials": [] }""", "format")]
    [InlineData("""{ "format": "aggregator-credentials/1", "credentials": [ { "id": "XYZ", "account": "a", "sha256": "00", "issuedAt": "2026-01-01T00:00:00Z", "expiresAt": null, "revokedAt": null } ] }""", "$.credentials[0]")]
    [InlineData("""{ "format": "aggregator-credentials/1", "credentials": [], "extra": 1 }""", "$.extra")]
    [InlineData("""{ "format": "aggregator-credentials/1", "credentials": [ { "id": "0123456789abcdef", "account": "a", "sha256": "zz00000000000000000000000000000000000000000000000000000000000000", "issuedAt": "2026-01-01T00:00:00Z", "expiresAt": null, "revokedAt": null } ] }""", "$.credentials[0]")]
    public void A_malformed_store_is_refused_naming_the_place(string text, string field)
    {
        File.WriteAllText(StorePath, text);
        var error = Assert.Throws<InputException>(() => CredentialStore.Read(StorePath));
        Assert.Equal(StorePath, error.File);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task A_store_held_by_another_command_is_waited_for_not_overwritten()
    {
        CredentialStore.Change(StorePath, s => s.Issue("alice", DateTimeOffset.UtcNow, null));
        using var barrier = new Barrier(2);
        var inside = Task.Run(() => CredentialStore.Change(StorePath, s =>
        {
            barrier.SignalAndWait();
            Thread.Sleep(200); // hold the lock while the other command tries
            return s.Issue("bob", DateTimeOffset.UtcNow, null);
        }));
        barrier.SignalAndWait();
        CredentialStore.Change(StorePath, s => s.Issue("carol", DateTimeOffset.UtcNow, null));
        await inside;
        Assert.Equal(["alice", "bob", "carol"], CredentialStore.Read(StorePath).Records.Select(r => r.Account).Order());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Basic abc", null)]
    [InlineData("Bearer ", null)]
    [InlineData("bearer agk_abc", "agk_abc")]
    [InlineData("Bearer agc_0123456789abcdef_xyz", "agc_0123456789abcdef_xyz")]
    public void Bearer_tokens_are_read_from_the_header_only_with_the_scheme(string? header, string? token) =>
        Assert.Equal(token, Bearer.FromHeader(header));

    [Fact]
    public void A_token_longer_than_any_credential_is_not_read()
    {
        // Nothing longer is ever hashed: a huge header costs the server nothing.
        Assert.Null(Bearer.FromHeader("Bearer " + new string('x', 129)));
        Assert.Equal("0123456789abcdef", Bearer.CredentialId("agc_0123456789abcdef_secret"));
        Assert.Null(Bearer.CredentialId("agc_0123456789abcdef"));
        Assert.Null(Bearer.CredentialId("agk_0123456789abcdef_secret"));
    }

    public void Dispose() => Directory.Delete(_workspace, recursive: true);
}
