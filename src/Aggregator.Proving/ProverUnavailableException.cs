namespace Aggregator.Proving;

/// <summary>The proving toolchain (Node, the npm packages of circuits/, the keys) is missing: says what to run.</summary>
public sealed class ProverUnavailableException(string message) : Exception(message);
