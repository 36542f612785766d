using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Api.Access;

/// <summary>
/// The secrets callers present as <c>Authorization: Bearer …</c>: protocol keys (<c>agk_</c> and 43
/// characters) and account credentials (<c>agc_</c>, a 16-hex-digit id, <c>_</c>, 43 characters). Only
/// their SHA-256 is ever stored; the id of a credential, not secret, finds its record without a scan.
/// </summary>
internal static class Bearer
{
    public const string KeyPrefix = "agk_";
    public const string CredentialPrefix = "agc_";

    /// <summary>A new protocol key.</summary>
    public static string NewKey() => KeyPrefix + RandomPart();

    /// <summary>A new account credential and its public id.</summary>
    public static (string Credential, string Id) NewCredential()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return ($"{CredentialPrefix}{id}_{RandomPart()}", id);
    }

    /// <summary>The hash stored for a key or credential.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The bearer token of an Authorization header, or null when there is none.</summary>
    public static string? FromHeader(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var token = authorization[scheme.Length..].Trim();
        // Nothing longer than a credential is hashed: a megabyte header is refused before any work.
        return token.Length is > 0 and <= 128 ? token : null;
    }

    /// <summary>The id part of a credential, or null when <paramref name="token"/> is not shaped like one.</summary>
    public static string? CredentialId(string token)
    {
        if (!token.StartsWith(CredentialPrefix, StringComparison.Ordinal) || token.Length < CredentialPrefix.Length + 17 || token[CredentialPrefix.Length + 16] != '_')
        {
            return null;
        }
        return token.Substring(CredentialPrefix.Length, 16);
    }

    private static string RandomPart() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
