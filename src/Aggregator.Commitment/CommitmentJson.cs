using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aggregator.Commitment;

/// <summary>
/// The epoch's JSON in its one style (web names, indented), generated at build time: the manifest is read
/// by the ahead-of-time compiled verifier, which has no reflection-based serializer.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(EpochManifest))]
internal sealed partial class CommitmentJson : JsonSerializerContext;
