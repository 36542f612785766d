namespace Aggregator.Chains.Evm.Registry;

/// <summary>The registry refused a publication; the message says why.</summary>
public sealed class RegistryRejectedException(string message) : Exception(message);
