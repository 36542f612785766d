namespace Aggregator.Prover;

/// <summary>Why an epoch could not be closed; published as <see cref="EpochCloseFailed"/>.</summary>
internal sealed class EpochCloseException(string message) : Exception(message);
