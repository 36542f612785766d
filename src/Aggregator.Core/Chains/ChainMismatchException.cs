using Aggregator.Core.Errors;

namespace Aggregator.Core.Chains;

/// <summary>
/// The chain contradicts the configuration: the node serves another chain, or a token's or mint's
/// decimals on chain are not the configured ones. Bad configuration, found before anything is counted.
/// </summary>
public sealed class ChainMismatchException(string problem) : InputException(problem);
