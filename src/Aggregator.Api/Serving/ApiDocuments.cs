using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aggregator.Api.Serving;

/// <summary>A page of published epochs, newest first; <see cref="Next"/> is the next page's address, or null on the last.</summary>
public sealed record EpochPage(IReadOnlyList<EpochSummary> Epochs, string? Next);

/// <summary>
/// A published epoch: its binding values (docs/commitment.md), the reserves its solvency proof covers
/// with the coverage ratio proven for each, the reserves per evidence tag (null when the epoch's reserves
/// came as bare totals), where it was published, and where its files are.
/// </summary>
public sealed record EpochSummary(
    ulong Epoch, string Publisher, string Commitment, string ParamsHash, int Depth, IReadOnlyList<ProvenReserve> Reserves,
    IReadOnlyDictionary<string, SortedDictionary<string, string>>? ReservesByEvidence, PublicationRecord Publication, EpochFiles Files);

/// <summary>
/// An asset's proven reserves: whole units, the proof's units (rounded down) at its proof decimals, and the
/// coverage ratio the proof shows in basis points (reserves at least that share of the hidden liabilities).
/// </summary>
public sealed record ProvenReserve(string Asset, string Amount, string ProofUnits, int ProofDecimals, uint CoverageBasisPoints);

/// <summary>Where an epoch was published: the chain (CAIP-2), the registry, the transaction, its block and the block's time (when recorded).</summary>
public sealed record PublicationRecord(string Chain, string Registry, string Transaction, ulong? Block, DateTimeOffset? BlockTime);

/// <summary>The addresses of an epoch's public files, exactly as published.</summary>
public sealed record EpochFiles(string Manifest, string Solvency, string Reserves, string Registry);

/// <summary>
/// The latest proven reserves of an asset, in the terms of the on-chain Proof-of-Reserve feed
/// (Chainlink's AggregatorV3Interface): <see cref="Answer"/> is the reserves scaled to
/// <see cref="Decimals"/>, rounded down, as a decimal integer string; <see cref="UpdatedAt"/> the
/// publication's block time; <see cref="CoverageBasisPoints"/> what the coverage feed answers.
/// </summary>
public sealed record ReserveAnswer(
    string Asset, string Publisher, ulong Epoch, string Answer, int Decimals, string Amount, uint CoverageBasisPoints, DateTimeOffset? UpdatedAt, PublicationRecord Publication);

/// <summary>The body of an inclusion request.</summary>
public sealed record InclusionRequest(string Account);

/// <summary>
/// The body of an attestation request (docs/api.md): the epoch (default: the newest published, of
/// <see cref="Publisher"/> when given), prices and haircuts per asset in whole units, the threshold in the
/// prices' unit, the subject (an EVM address or a field element) and the scope (a field element).
/// </summary>
public sealed record AttestationRequest(
    IReadOnlyDictionary<string, string> Prices, string Threshold, string Subject, string Scope,
    IReadOnlyDictionary<string, string>? Haircuts = null, string? Publisher = null, ulong? Epoch = null);

[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(EpochPage))]
[JsonSerializable(typeof(ReserveAnswer))]
[JsonSerializable(typeof(InclusionRequest))]
[JsonSerializable(typeof(AttestationRequest))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
