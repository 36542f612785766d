namespace Aggregator.Api.Access;

/// <summary>A protocol's API key as configured: a name for logs and limits, the key's SHA-256, and the accounts it may read (null: every account, for the institution's own operators).</summary>
public sealed record ProtocolKey(string Name, byte[] Sha256, IReadOnlySet<string>? Accounts)
{
    public bool AllowsEveryAccount => Accounts is null;

    /// <summary>A new key, shown once, and the SHA-256 (hex) that the configuration stores in its place.</summary>
    public static (string Key, string Sha256) Generate()
    {
        var key = Bearer.NewKey();
        return (key, Convert.ToHexStringLower(Bearer.Hash(key)));
    }
}
