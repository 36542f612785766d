using System.Text.Json.Serialization;

namespace Aggregator.Reserves.Evidence;

/// <summary>
/// RESERVES.json (format <see cref="ReservesReport.CurrentFormat"/>): the totals per asset in whole units,
/// and per chain the height, block hash and, per reserve address, its signed message, the ownership
/// verdict and its balances (docs/reserves.md).
/// </summary>
public sealed record ReservesReport(
    string Format,
    string Institution,
    ulong Epoch,
    SortedDictionary<string, string> Reserves,
    IReadOnlyList<ChainEvidence> Chains)
{
    public const string CurrentFormat = "aggregator-reserves/1";
}

/// <summary>
/// What one chain showed at one height. A Solana read of many calls is served across slots:
/// <see cref="FirstHeight"/> is then the lowest slot an answer came from, and the height the highest.
/// </summary>
public sealed record ChainEvidence(string Chain, string Name, ulong Height, string BlockHash, IReadOnlyList<AddressEvidence> Addresses)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? FirstHeight { get; init; }
}

/// <summary>One reserve address: its ownership claim, the verdict (<c>verified</c> or the reason), and its balances in whole units.</summary>
public sealed record AddressEvidence(string Address, string SignedText, string Signature, string Ownership, SortedDictionary<string, string> Balances);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ReservesReport))]
[JsonSerializable(typeof(ChainEvidence))]
internal sealed partial class ReservesJsonContext : JsonSerializerContext;
