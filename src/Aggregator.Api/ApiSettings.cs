using System.Net;
using Aggregator.Api.Access;

namespace Aggregator.Api;

/// <summary>
/// What the api role serves and how (the "api" section of the run configuration, docs/operations.md):
/// where it listens, the epochs directory it reads (the prover's, mounted read-only), the cache of
/// inclusion proofs it has been handed, the credential store, the protocol keys, and the service's
/// limits.
/// </summary>
public sealed record ApiSettings(Uri Listen, string EpochsDirectory, string CacheDirectory, string CredentialsFile)
{
    /// <summary>Protocol keys: each key's SHA-256 and the accounts it may read.</summary>
    public IReadOnlyList<ProtocolKey> ProtocolKeys { get; init; } = [];

    /// <summary>Where the pinned verification keys are (null: $AGGREGATOR_KEYS or those installed with the program).</summary>
    public string? KeysDirectory { get; init; }

    /// <summary>Browser origins allowed to call the API (none: CORS closed).</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are believed (none: those headers are ignored).</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>The server's certificate and key (PEM files) when it terminates TLS itself.</summary>
    public TlsFiles? Tls { get; init; }

    /// <summary>Requests a second per client address (after the proxy's X-Forwarded-For, when trusted), with a burst of twice that.</summary>
    public int RequestsPerSecondPerAddress { get; init; } = 50;

    /// <summary>Requests a second per key or credential, with a burst of twice that.</summary>
    public int RequestsPerSecondPerKey { get; init; } = 100;

    /// <summary>The largest request body taken (larger: 413).</summary>
    public long MaxRequestBytes { get; init; } = 16 * 1024;

    /// <summary>How many of the latest events a stream can resume from (Last-Event-ID); older ones are gone.</summary>
    public int EventWindow { get; init; } = Events.EventStream.DefaultWindow;

    /// <summary>
    /// The stated cap of inclusion proofs handed out per epoch (distinct accounts; null: none): every account
    /// gets its proof up to it, then a new one hears 503 saying so (and may dispute). At about 0.25 s a proof
    /// per replica, set it to what the provers can prove within the epoch's dispute period.
    /// </summary>
    public int? InclusionProofsPerEpoch { get; init; }

    /// <summary>How long an inclusion proof may take the prover before the caller hears 503.</summary>
    public TimeSpan InclusionTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>JSON-RPC nodes whose answer makes the api ready (the registry's chain); never logged or shown.</summary>
    public IReadOnlyList<string> ReadinessRpcs { get; init; } = [];
}

/// <summary>A certificate and its private key, as PEM files.</summary>
public sealed record TlsFiles(string Certificate, string Key);
