using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Errors;
using Aggregator.Core.Files;

namespace Aggregator.Api.Access;

/// <summary>
/// The account credentials (one JSON file, owner-only, written whole): for each, its public id, the
/// account, the SHA-256 of the credential, when it was issued, when it expires and when it was revoked.
/// The credential itself is printed once at issue and never stored. `aggregator credentials` writes the
/// file under a lock file, so two commands at once cannot lose each other's change; the api role reads
/// it again whenever it changes (<see cref="AccessPolicy"/>).
/// </summary>
public sealed class CredentialStore
{
    public const string Format = "aggregator-credentials/1";

    private readonly List<CredentialRecord> _records;

    private CredentialStore(string path, List<CredentialRecord> records) => (Path, _records) = (path, records);

    public string Path { get; }

    public IReadOnlyList<CredentialRecord> Records => _records;

    /// <summary>The store at <paramref name="path"/>; empty when the file does not exist yet.</summary>
    /// <exception cref="InputException">The file is malformed.</exception>
    public static CredentialStore Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return new CredentialStore(path, []);
        }
        CredentialFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), CredentialJsonContext.Default.CredentialFile);
        }
        catch (JsonException error)
        {
            throw new InputException($"the credential store is malformed: {error.Message}", file: path, field: error.Path);
        }
        if (file is null || file.Format != Format)
        {
            throw new InputException($"not a credential store of format {Format}", file: path, field: "format");
        }
        for (var i = 0; i < file.Credentials.Count; i++)
        {
            var record = file.Credentials[i];
            if (record.Id.Length != 16 || !record.Id.All(char.IsAsciiHexDigitLower) || record.Sha256.Length != 64 || !record.Sha256.All(char.IsAsciiHexDigit) || string.IsNullOrEmpty(record.Account))
            {
                throw new InputException("a credential record is malformed (id: 16 lower-case hex digits, sha256: 64, an account)", file: path, field: $"$.credentials[{i}]");
            }
        }
        return new CredentialStore(path, [.. file.Credentials]);
    }

    /// <summary>Changes the store at <paramref name="path"/> under its lock file, and writes it whole.</summary>
    /// <exception cref="InputException">The file is malformed, or another command holds the lock for ten seconds.</exception>
    public static T Change<T>(string path, Func<CredentialStore, T> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        using var held = Lock(path + ".lock");
        var store = Read(path);
        var result = change(store);
        SafeFile.WriteAtomically(path, JsonSerializer.Serialize(new CredentialFile(Format, store._records), CredentialJsonContext.Default.CredentialFile) + "\n", ownerOnly: true);
        return result;
    }

    /// <summary>Issues a credential for <paramref name="account"/>; returns it (shown once, never stored) and its record.</summary>
    public (string Credential, CredentialRecord Record) Issue(string account, DateTimeOffset now, TimeSpan? validity)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        var (credential, id) = Bearer.NewCredential();
        var record = new CredentialRecord(id, account, Convert.ToHexStringLower(Bearer.Hash(credential)), Whole(now), validity is { } v ? Whole(now + v) : null, null);
        _records.Add(record);
        return (credential, record);
    }

    /// <summary>Revokes the credential with id <paramref name="id"/>, or every live credential of the account <paramref name="account"/>; returns those revoked now.</summary>
    public IReadOnlyList<CredentialRecord> Revoke(string? id, string? account, DateTimeOffset now)
    {
        var revoked = new List<CredentialRecord>();
        for (var i = 0; i < _records.Count; i++)
        {
            var record = _records[i];
            if (record.RevokedAt is null && (record.Id == id || record.Account == account))
            {
                _records[i] = record with { RevokedAt = Whole(now) };
                revoked.Add(_records[i]);
            }
        }
        return revoked;
    }

    private static DateTimeOffset Whole(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private static FileStream Lock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                return SafeFile.OpenPrivate(path, FileMode.OpenOrCreate, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            catch (IOException)
            {
                throw new InputException("another command is changing the credential store (its lock file is held)", file: path);
            }
        }
    }
}

/// <summary>One issued credential: the account it reads, the SHA-256 (hex) of the credential, and its life.</summary>
public sealed record CredentialRecord(string Id, string Account, string Sha256, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Whether it lets its holder in at <paramref name="now"/>.</summary>
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || now < expires);
}

internal sealed record CredentialFile(string Format, IReadOnlyList<CredentialRecord> Credentials);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(CredentialFile))]
internal sealed partial class CredentialJsonContext : JsonSerializerContext;
