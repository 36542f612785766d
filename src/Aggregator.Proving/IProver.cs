using System.Text.Json.Nodes;
using Aggregator.Crypto.Groth16;

namespace Aggregator.Proving;

/// <summary>Proves one statement of a circuit: its witness inputs in, a Groth16 proof and public signals out.</summary>
public interface IProver
{
    /// <param name="circuit">The circuit's key name, e.g. inclusion_20_4 or solvency_4.</param>
    /// <exception cref="ProverUnavailableException">The prover cannot run here (keys or tools missing).</exception>
    Task<SnarkjsProof> ProveAsync(string circuit, JsonObject input, CancellationToken cancellationToken = default);
}
