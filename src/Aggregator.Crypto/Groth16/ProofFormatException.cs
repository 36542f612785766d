namespace Aggregator.Crypto.Groth16;

/// <summary>A verification key or proof document that is not in snarkjs's format.</summary>
public sealed class ProofFormatException(string message) : Exception(message);
