namespace Aggregator.Chains.Solana.Rpc;

/// <summary>A value read from a Solana node with the slot its answer's context names.</summary>
internal readonly record struct Slotted<T>(ulong Slot, T Value);
