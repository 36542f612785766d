using System.Text.Json.Nodes;

namespace Aggregator.Proving;

/// <summary>A Groth16 proof as snarkjs writes it (proof.json) with its public signals (public.json).</summary>
public sealed record SnarkjsProof(JsonObject Proof, IReadOnlyList<string> PublicSignals);
