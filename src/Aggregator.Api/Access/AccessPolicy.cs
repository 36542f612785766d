using System.Security.Cryptography;
using System.Text;
using Aggregator.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Aggregator.Api.Access;

/// <summary>
/// Who may read an account. A protocol key reads the accounts configured for it (or all of them); an
/// account credential reads its own account, while it is neither expired nor revoked. Every way of
/// failing (no token, an unknown key, a wrong, expired or revoked credential, another account's, an
/// account that does not exist) does the same work and gives the same answer, so the API tells no one
/// which accounts exist: the token is hashed whatever it is, compared in constant time against a real
/// record or a decoy, and the account's hash is compared in constant time too.
/// </summary>
internal sealed partial class AccessPolicy
{
    // How often the credential store's file is looked at for a change: a revocation takes effect within this.
    public static readonly TimeSpan StoreRefresh = TimeSpan.FromSeconds(1);

    private static readonly CredentialEntry Decoy = new(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), DateTimeOffset.MinValue, DateTimeOffset.MinValue, "", "");

    private readonly ApiSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger<AccessPolicy> _log;
    private readonly Lock _gate = new();
    private Dictionary<string, CredentialEntry> _credentials = [];
    private DateTime _storeWritten = DateTime.MinValue;
    private DateTimeOffset _storeChecked = DateTimeOffset.MinValue;

    public AccessPolicy(ApiSettings settings, TimeProvider clock, ILogger<AccessPolicy> log)
    {
        (_settings, _clock, _log) = (settings, clock, log);
        Reload(force: true);
    }

    /// <summary>
    /// The caller presenting <paramref name="authorization"/> when it may read <paramref name="account"/>,
    /// else null, doing the same work either way: the account's hash is computed and compared even for a
    /// caller not known (an early return would show, by its speed, which step refused).
    /// </summary>
    public Reader? Authorize(string? authorization, string account)
    {
        var reader = Identify(authorization);
        var allowed = (reader ?? Nobody).MayRead(account);
        return allowed && reader is not null ? reader : null;
    }

    // Stands in for an unknown caller, so that refusing one costs what refusing a known one does.
    private static readonly Reader Nobody = new("", null, RandomNumberGenerator.GetBytes(32), null);

    /// <summary>Who presents <paramref name="authorization"/> (an Authorization header), or null for nobody known.</summary>
    public Reader? Identify(string? authorization)
    {
        var token = Bearer.FromHeader(authorization);
        var hash = Bearer.Hash(token ?? "");
        var now = _clock.GetUtcNow();
        if (token is not null && Bearer.CredentialId(token) is { } id)
        {
            var credentials = Credentials(now);
            var found = credentials.TryGetValue(id, out var entry);
            entry ??= Decoy;
            // Non-short-circuit: a wrong credential and an unknown id take the same path.
            var matches = CryptographicOperations.FixedTimeEquals(entry.Hash, hash) & found & entry.IsLive(now);
            return matches ? new Reader(entry.Id, null, entry.AccountHash, entry.Account) : null;
        }
        var key = (ProtocolKey?)null;
        foreach (var candidate in _settings.ProtocolKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate.Sha256, hash))
            {
                key = candidate;
            }
        }
        return key is null || token is null ? null : new Reader(key.Name, key, null, null);
    }

    // The store as last read, read again when its file has changed (looked at once a second at most).
    private Dictionary<string, CredentialEntry> Credentials(DateTimeOffset now)
    {
        if (now - _storeChecked >= StoreRefresh)
        {
            lock (_gate)
            {
                if (now - _storeChecked >= StoreRefresh)
                {
                    Reload(force: false);
                    _storeChecked = now;
                }
            }
        }
        return _credentials;
    }

    private void Reload(bool force)
    {
        var path = _settings.CredentialsFile;
        var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (!force && written == _storeWritten)
        {
            return;
        }
        try
        {
            var store = CredentialStore.Read(path);
            _credentials = store.Records.ToDictionary(r => r.Id, r => new CredentialEntry(
                Convert.FromHexString(r.Sha256), AccountHash(r.Account), r.ExpiresAt ?? DateTimeOffset.MaxValue, r.RevokedAt ?? DateTimeOffset.MaxValue, r.Id, r.Account));
            _storeWritten = written;
        }
        catch (Exception error) when (error is InputException or IOException)
        {
            // The last good store stays in force (a revocation in a file that fails to parse waits for it to be fixed, and says so).
            StoreUnreadable(_log, path, error.Message);
        }
    }

    internal static byte[] AccountHash(string account) => SHA256.HashData(Encoding.UTF8.GetBytes(account));

    [LoggerMessage(Level = LogLevel.Error, Message = "the credential store {Path} cannot be read; the last good copy stays in force: {Reason}")]
    private static partial void StoreUnreadable(ILogger logger, string path, string reason);

    private sealed record CredentialEntry(byte[] Hash, byte[] AccountHash, DateTimeOffset ExpiresAt, DateTimeOffset RevokedAt, string Id, string Account)
    {
        public bool IsLive(DateTimeOffset now) => now < ExpiresAt & now < RevokedAt;
    }
}

/// <summary>A caller known by its key or credential: a protocol (its key) or an account owner (its account, and the account's hash).</summary>
internal sealed record Reader(string Name, ProtocolKey? Key, byte[]? OwnAccountHash, string? OwnAccount)
{
    /// <summary>Whether this caller may read <paramref name="account"/>; for an owner, compared in constant time (the account named in a request is the caller's guess).</summary>
    public bool MayRead(string account)
    {
        if (Key is { } key)
        {
            return key.Accounts is null || key.Accounts.Contains(account);
        }
        return CryptographicOperations.FixedTimeEquals(OwnAccountHash, AccessPolicy.AccountHash(account));
    }

    /// <summary>Whether an event about <paramref name="account"/> is this caller's to see (events name accounts the caller did not guess: plain comparison).</summary>
    public bool Sees(string account) => Key is { } key ? key.Accounts is null || key.Accounts.Contains(account) : account == OwnAccount;
}
