using Aggregator.Core.Chains;

namespace Aggregator.Messages;

/// <summary>A chain's block as applied: its height and hash.</summary>
public sealed record AppliedBlock(ChainId Chain, ulong Height, string BlockHash);
