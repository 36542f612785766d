using Aggregator.Crypto.Groth16;

namespace Aggregator.Proving;

/// <summary>
/// A loaded, pinned verification key: which circuit, from where, its SHA-256, the key read from the bytes
/// that hashed to the pin (what a proving key is checked against, never read from the file again), and
/// its verifier.
/// </summary>
public sealed record VerificationKey(string Circuit, string Path, string Sha256, Groth16Verifier Verifier, VerifyingKey Key)
{
    /// <summary>How the output names it.</summary>
    public string Describe() => $"{Circuit} (key SHA-256 {Sha256}, {Path})";
}
