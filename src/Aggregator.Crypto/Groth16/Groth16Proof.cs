using System.Text.Json.Nodes;

namespace Aggregator.Crypto.Groth16;

/// <summary>A Groth16 proof as snarkjs writes it (proof.json) with its public signals (public.json).</summary>
public sealed record Groth16Proof(JsonObject Proof, IReadOnlyList<string> PublicSignals);
