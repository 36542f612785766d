namespace Aggregator.Messages;

/// <summary>
/// One job of an epoch's distributed tree build (docs/operations.md, "Tree workers"), sent by the prover to
/// the "tree-work" queue, where tree workers take jobs as competing consumers: <paramref name="Stage"/>
/// ("identities" or "subtrees") over rows or leaves <paramref name="Start"/> (inclusive) to
/// <paramref name="End"/> (exclusive) of build <paramref name="Build"/> (32 hex digits: the folder
/// <c>.tree-EPOCH-BUILD</c> in the epochs directory the prover and the workers share). Ranges only: the
/// secret and the rows stay on the shared volume, never on the broker's disk.
/// </summary>
public sealed record TreeJobRequested(ulong Epoch, string Build, string Stage, long Start, long End);
