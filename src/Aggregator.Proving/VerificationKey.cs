using Aggregator.Crypto.Groth16;

namespace Aggregator.Proving;

/// <summary>
/// A loaded, pinned verification key: which circuit, from where, its SHA-256, its verifier, and the JSON
/// that hashed to the pin (what a proving key is checked against, never read from the file again).
/// </summary>
public sealed record VerificationKey(string Circuit, string Path, string Sha256, Groth16Verifier Verifier, string Json)
{
    /// <summary>How the output names it.</summary>
    public string Describe() => $"{Circuit} (key SHA-256 {Sha256}, {Path})";
}
