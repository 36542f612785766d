using System.Text.Json.Serialization;

namespace Aggregator.Reserves.Evidence;

/// <summary>
/// RESERVES.json (format <see cref="ReservesReport.CurrentFormat"/>): the totals per asset in whole units,
/// the window the EVM chains were sampled over and its seed (absent for a point-in-time sweep), and per
/// chain and sampled height the block and, per reserve address, its signed message, the ownership verdict,
/// its balances and its debts (docs/reserves.md). A chain appears once per sampled height.
/// </summary>
public sealed record ReservesReport(
    string Format,
    string Institution,
    ulong Epoch,
    SortedDictionary<string, string> Reserves,
    IReadOnlyList<ChainEvidence> Chains)
{
    public const string CurrentFormat = "aggregator-reserves/3";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WindowEvidence? Window { get; init; }

    /// <summary>The claims root over exactly the reserve addresses counted (<see cref="Claims.ClaimsTree"/>): what the publication commits to.</summary>
    public string ClaimsRoot { get; init; } = "0x" + new string('0', 64);

    /// <summary>
    /// Per evidence tag (key-proven, custodian-attested, self-declared), per asset, in whole units: each
    /// tag's least net over the heights. Only key-proven and custodian-attested reserves are counted in
    /// <see cref="Reserves"/>, and so in the solvency proof.
    /// </summary>
    public SortedDictionary<string, SortedDictionary<string, string>> ByEvidence { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The window [Start, End) and its seed: the prevrandao <see cref="Seed"/> of block <see cref="SeedHeight"/>
/// (<see cref="SeedBlockHash"/>) of <see cref="SeedChain"/>, the registry's chain, the first finalized
/// block at or after End (docs/proofs.md, "Windows").
/// </summary>
public sealed record WindowEvidence(ulong Start, ulong End, int Samples, string SeedChain, ulong SeedHeight, string SeedBlockHash, string Seed)
{
    /// <summary>When the liabilities were taken, and at which heights (absent from a reserves-only sweep).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LiabilitiesEvidence? Liabilities { get; init; }
}

/// <summary>
/// The liabilities' time (docs/proofs.md, "Liabilities at a drawn time"): draw <see cref="Draw"/> = seed mod
/// samples targets <see cref="Target"/> on the seed chain, whose state then is at <see cref="Time"/>; each
/// EVM chain's books are its state at that time (<see cref="Heights"/>), each Solana cluster's its read at
/// the close.
/// </summary>
public sealed record LiabilitiesEvidence(int Draw, ulong Target, ulong Time, IReadOnlyList<LiabilitiesHeight> Heights);

/// <summary>A chain's height (and block hash) the liabilities were read at.</summary>
public sealed record LiabilitiesHeight(string Chain, ulong Height, string BlockHash);

/// <summary>
/// What one chain showed at one height. On a sampled EVM chain <see cref="Sample"/> says which draw chose
/// the height (null when the window held so few blocks that every one is read) and the block's time. A
/// Solana read of many calls is served across slots: <see cref="FirstHeight"/> is then the lowest slot an
/// answer came from, and the height the highest; Solana is read at the close, point-in-time.
/// </summary>
public sealed record ChainEvidence(string Chain, string Name, ulong Height, string BlockHash, IReadOnlyList<AddressEvidence> Addresses)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? FirstHeight { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SampleEvidence? Sample { get; init; }
}

/// <summary>Which draw chose a sampled height (null: every block of the window is read), the time it targeted, and the block's time.</summary>
public sealed record SampleEvidence(int? Draw, ulong? Target, ulong BlockTime);

/// <summary>
/// One reserve address: its evidence tag, its signed text and signature (the address's own, or its
/// custodian's), the verdict (<c>verified</c>, the reason, or none for a self-declared address), its
/// balances in whole units, and what it owed each configured lending protocol (netted from the reserves).
/// </summary>
public sealed record AddressEvidence(string Address, string SignedText, string Signature, string Ownership, SortedDictionary<string, string> Balances)
{
    /// <summary><c>key-proven</c>, <c>custodian-attested</c> or <c>self-declared</c> (docs/proofs.md, "Evidence tags").</summary>
    public string Evidence { get; init; } = Configuration.ReserveEvidenceNames.KeyProven;

    /// <summary>The custodian's EVM address, for a custodian-attested address.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Custodian { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DebtEvidence>? Debts { get; init; }
}

/// <summary>A debt read: the protocol and contract (<c>aave-v3:0x…</c>, <c>compound-v3:0x…</c>), the asset and the amount in whole units.</summary>
public sealed record DebtEvidence(string Source, string Asset, string Amount);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ReservesReport))]
[JsonSerializable(typeof(ChainEvidence))]
[JsonSerializable(typeof(WindowEvidence))]
[JsonSerializable(typeof(SortedDictionary<string, SortedDictionary<string, string>>))]
internal sealed partial class ReservesJsonContext : JsonSerializerContext;
