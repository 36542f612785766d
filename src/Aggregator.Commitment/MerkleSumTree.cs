using System.Buffers;
using System.Collections.Concurrent;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;

namespace Aggregator.Commitment;

/// <summary>
/// The padded Poseidon Merkle-sum tree of an epoch's liabilities (docs/commitment.md). Only the occupied
/// part of each level is stored; everything right of it is an empty subtree whose hash is precomputed.
/// The tree is the institution's private record: sums and siblings reveal other accounts' balances.
/// </summary>
public sealed class MerkleSumTree
{
    // Work is split into chunks of this many hashes, small enough to balance two cores, large enough
    // that scheduling costs nothing next to ~50 µs Poseidon calls.
    private const int ChunkSize = 1024;

    private readonly Fr[][] _hashes;   // _hashes[level][index]
    private readonly ulong[][] _sums;  // _sums[level][index * K + k]
    private readonly Fr[] _emptyHashes; // hash of an empty subtree whose root is at that level
    private readonly string[] _accountIds;
    private readonly Dictionary<string, int> _leafOf; // account id → leaf index
    private readonly Fr[] _salts;

    private MerkleSumTree(CommitmentParameters parameters, Fr[][] hashes, ulong[][] sums, Fr[] emptyHashes, string[] accountIds, Fr[] salts)
    {
        Parameters = parameters;
        _hashes = hashes;
        _sums = sums;
        _emptyHashes = emptyHashes;
        _accountIds = accountIds;
        _leafOf = new Dictionary<string, int>(accountIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < accountIds.Length; i++)
        {
            if (!_leafOf.TryAdd(accountIds[i], i))
            {
                throw new InputException($"account '{accountIds[i]}' appears twice");
            }
        }
        _salts = salts;
    }

    public CommitmentParameters Parameters { get; }

    public int Depth => Parameters.Depth;

    public int AssetCount => Parameters.AssetCount;

    /// <summary>Number of occupied leaves (accounts).</summary>
    public int LeafCount => _accountIds.Length;

    /// <summary>The public commitment: the root's hash.</summary>
    public Fr RootHash => _hashes[Depth].Length > 0 ? _hashes[Depth][0] : _emptyHashes[Depth];

    /// <summary>The root's sums, i.e. total liabilities per asset. Private: never published.</summary>
    public ReadOnlySpan<ulong> RootSums => _hashes[Depth].Length > 0 ? _sums[Depth].AsSpan(0, AssetCount) : new ulong[AssetCount];

    /// <summary>Number of occupied nodes at a level (0 = leaves).</summary>
    public int NodeCount(int level) => _hashes[level].Length;

    /// <summary>The hash of a node, or of the empty subtree there when the index is past the occupied part.</summary>
    public Fr NodeHash(int level, long index) => index < _hashes[level].Length ? _hashes[level][index] : _emptyHashes[level];

    /// <summary>The sums of a node (all zero past the occupied part).</summary>
    public ReadOnlySpan<ulong> NodeSums(int level, long index) =>
        index < _hashes[level].Length ? _sums[level].AsSpan((int)index * AssetCount, AssetCount) : new ulong[AssetCount];

    /// <summary>The hash of an empty subtree whose root is at <paramref name="level"/>.</summary>
    public Fr EmptyHash(int level) => _emptyHashes[level];

    /// <summary>The account placed at leaf <paramref name="index"/>, with its salt and balances.</summary>
    public LeafRecord Leaf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)LeafCount, nameof(index));
        return new LeafRecord(index, _accountIds[index], _salts[index], NodeSums(0, index).ToArray(), _hashes[0][index]);
    }

    /// <summary>The leaf index of an account, or null when it is not in the tree.</summary>
    public int? FindLeaf(string accountId) => _leafOf.TryGetValue(accountId, out var index) ? index : null;

    /// <summary>The authentication path of leaf <paramref name="index"/>: one sibling per level, leaf upwards.</summary>
    public MerklePath Path(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)LeafCount, nameof(index));
        var siblings = new MerklePath.Sibling[Depth];
        long position = index;
        for (var level = 0; level < Depth; level++)
        {
            var siblingIndex = position ^ 1;
            siblings[level] = new MerklePath.Sibling(NodeHash(level, siblingIndex), NodeSums(level, siblingIndex).ToArray(), IsLeft: (siblingIndex & 1) == 0);
            position >>= 1;
        }
        return new MerklePath(siblings);
    }

    /// <summary>Node = Poseidon(lh, ls[0..K-1], rh, rs[0..K-1]); its sums are ls + rs, each below 2^64.</summary>
    public static Fr HashNode(in Fr leftHash, ReadOnlySpan<ulong> leftSums, in Fr rightHash, ReadOnlySpan<ulong> rightSums)
    {
        Span<Fr> inputs = stackalloc Fr[PoseidonHash.MaxInputs];
        inputs = inputs[..(2 * leftSums.Length + 2)];
        WriteNodeInputs(leftHash, leftSums, rightHash, rightSums, inputs);
        return PoseidonHash.Hash(inputs);
    }

    // The 2K + 2 inputs of a node's hash, in the order HashNode states.
    private static void WriteNodeInputs(in Fr leftHash, ReadOnlySpan<ulong> leftSums, in Fr rightHash, ReadOnlySpan<ulong> rightSums, Span<Fr> inputs)
    {
        var k = leftSums.Length;
        inputs[0] = leftHash;
        inputs[k + 1] = rightHash;
        for (var i = 0; i < k; i++)
        {
            inputs[1 + i] = Fr.FromUInt64(leftSums[i]);
            inputs[k + 2 + i] = Fr.FromUInt64(rightSums[i]);
        }
    }

    /// <summary>
    /// Builds the tree: identities and leaves for every row, leaves sorted by idHash, then each level
    /// from the leaves up. Hashing runs in parallel; the result depends only on the inputs.
    /// </summary>
    /// <exception cref="InputException">Too many accounts, a duplicate account id, or a sum that reaches 2^64.</exception>
    public static MerkleSumTree Build(
        CommitmentParameters parameters, IReadOnlyList<LiabilityRow> rows, EpochSecret secret,
        IProgress<TreeBuildProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Build(parameters, rows, secret, PoseidonLanes.IsSupported, progress, cancellationToken);

    /// <summary>The same build, its hashes four at a time in lanes or one by one (to measure one against the other).</summary>
    internal static MerkleSumTree Build(
        CommitmentParameters parameters, IReadOnlyList<LiabilityRow> rows, EpochSecret secret, bool inLanes,
        IProgress<TreeBuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(secret);
        CheckRows(parameters, rows);
        var n = rows.Count;
        var tracker = new ProgressTracker(progress, 3L * n + Math.Max(n - 1, 0) + parameters.Depth);

        var salts = new Fr[n];
        var idHashes = new Fr[n];
        var leafHashes = new Fr[n];
        Identities(parameters, rows, secret.Value, salts, idHashes, leafHashes, inLanes, tracker, cancellationToken);
        var order = SortByIdHash(idHashes, i => rows[i].AccountId);

        var k = parameters.AssetCount;
        var depth = parameters.Depth;
        var hashes = new Fr[depth + 1][];
        var sums = new ulong[depth + 1][];
        var accountIds = new string[n];
        var sortedSalts = new Fr[n];
        hashes[0] = new Fr[n];
        sums[0] = new ulong[n * k];
        for (var i = 0; i < n; i++)
        {
            var source = order[i];
            accountIds[i] = rows[source].AccountId;
            sortedSalts[i] = salts[source];
            hashes[0][i] = leafHashes[source];
            rows[source].Balances.CopyTo(sums[0], i * k);
        }
        var emptyHashes = EmptySubtreeHashes(depth, k);
        tracker.Add(depth);
        BuildLevels(parameters, hashes, sums, 0, emptyHashes, inLanes, tracker, cancellationToken);
        return new MerkleSumTree(parameters, hashes, sums, emptyHashes, accountIds, sortedSalts);
    }

    /// <exception cref="InputException">More rows than leaves.</exception>
    internal static void CheckRows(CommitmentParameters parameters, IReadOnlyList<LiabilityRow> rows)
    {
        if (rows.Count > parameters.Capacity)
        {
            throw new InputException($"{rows.Count} accounts do not fit a tree of depth {parameters.Depth} (at most {parameters.Capacity})");
        }
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Balances.Length != parameters.AssetCount)
            {
                throw new ArgumentException($"account '{rows[i].AccountId}' has {rows[i].Balances.Length} balances, expected {parameters.AssetCount}", nameof(rows));
            }
        }
    }

    /// <summary>
    /// Salt, idHash and leaf hash of each row, in input order, into the spans (one entry per row; row i's
    /// at i): each chunk's salts, then its idHashes, then its leaf hashes, many at once.
    /// </summary>
    internal static void Identities(
        CommitmentParameters parameters, IReadOnlyList<LiabilityRow> rows, Fr secret, Fr[] salts, Fr[] idHashes, Fr[] leafHashes,
        bool inLanes, ProgressTracker? tracker, CancellationToken cancellationToken)
    {
        var k = parameters.AssetCount;
        ForEachChunk(rows.Count, (start, end) =>
        {
            var count = end - start;
            var inputs = ArrayPool<Fr>.Shared.Rent(count * Math.Max(2, k + 1));
            var pairs = inputs.AsSpan(0, 2 * count);
            var fields = new Fr[count];
            for (var i = 0; i < count; i++)
            {
                fields[i] = AccountIdentity.AccountField(rows[start + i].AccountId);
                pairs[2 * i] = secret;
                pairs[2 * i + 1] = fields[i];
            }
            PoseidonHash.HashMany(pairs, 2, salts.AsSpan(start, count), inLanes);
            for (var i = 0; i < count; i++)
            {
                pairs[2 * i] = fields[i];
                pairs[2 * i + 1] = salts[start + i];
            }
            PoseidonHash.HashMany(pairs, 2, idHashes.AsSpan(start, count), inLanes);
            var leaves = inputs.AsSpan(0, count * (k + 1));
            for (var i = 0; i < count; i++)
            {
                AccountIdentity.WriteLeafInputs(idHashes[start + i], rows[start + i].Balances, leaves.Slice(i * (k + 1), k + 1));
            }
            PoseidonHash.HashMany(leaves, k + 1, leafHashes.AsSpan(start, count), inLanes);
            ArrayPool<Fr>.Shared.Return(inputs);
            tracker?.Add(3L * count);
        }, cancellationToken);
    }

    /// <summary>Leaf order: the rows' indexes by ascending idHash as integers (a secret shuffle, since idHash depends on the salt).</summary>
    /// <exception cref="InputException">Two rows with one idHash: the same account twice.</exception>
    internal static int[] SortByIdHash(Fr[] idHashes, Func<int, string> accountId)
    {
        var n = idHashes.Length;
        var keys = new CanonicalKey[n];
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = new CanonicalKey(idHashes[i]);
            order[i] = i;
        }
        Array.Sort(keys, order);
        for (var i = 1; i < n; i++)
        {
            if (keys[i].CompareTo(keys[i - 1]) == 0)
            {
                throw new InputException($"account '{accountId(order[i])}' appears twice");
            }
        }
        return order;
    }

    /// <summary>
    /// Levels <paramref name="fromLevel"/> + 1 up to the top of <paramref name="hashes"/>, from the one
    /// given at <paramref name="fromLevel"/>: the whole tree, or any aligned part of it (a subtree's
    /// nodes, the levels above the subtrees), node for node the same.
    /// </summary>
    /// <exception cref="InputException">A sum reaches 2^64.</exception>
    internal static void BuildLevels(
        CommitmentParameters parameters, Fr[][] hashes, ulong[][] sums, int fromLevel, Fr[] emptyHashes, bool inLanes,
        ProgressTracker? tracker, CancellationToken cancellationToken)
    {
        var k = parameters.AssetCount;
        for (var level = fromLevel; level < hashes.Length - 1; level++)
        {
            var below = hashes[level];
            var belowSums = sums[level];
            var parents = (below.Length + 1) / 2;
            var parentHashes = new Fr[parents];
            var parentSums = new ulong[parents * k];
            var emptyBelow = emptyHashes[level];
            var overflowAsset = -1;
            ForEachChunk(parents, (start, end) =>
            {
                var width = 2 * k + 2;
                var inputs = ArrayPool<Fr>.Shared.Rent((end - start) * width);
                Span<ulong> zeros = stackalloc ulong[k];
                zeros.Clear();
                for (var p = start; p < end; p++)
                {
                    var left = 2 * p;
                    var right = left + 1;
                    var leftSums = belowSums.AsSpan(left * k, k);
                    var hasRight = right < below.Length;
                    var rightSums = hasRight ? belowSums.AsSpan(right * k, k) : zeros;
                    var target = parentSums.AsSpan(p * k, k);
                    for (var a = 0; a < k; a++)
                    {
                        var sum = leftSums[a] + rightSums[a];
                        if (sum < leftSums[a])
                        {
                            Volatile.Write(ref overflowAsset, a);
                        }
                        target[a] = sum;
                    }
                    WriteNodeInputs(below[left], leftSums, hasRight ? below[right] : emptyBelow, rightSums, inputs.AsSpan((p - start) * width, width));
                }
                PoseidonHash.HashMany(inputs.AsSpan(0, (end - start) * width), width, parentHashes.AsSpan(start, end - start), inLanes);
                ArrayPool<Fr>.Shared.Return(inputs);
                tracker?.Add(end - start);
            }, cancellationToken);
            if (overflowAsset >= 0)
            {
                throw new InputException(
                    $"the total of {parameters.Assets[overflowAsset].Id} reaches 2^64 proof units; use fewer proof decimals for it");
            }
            hashes[level + 1] = parentHashes;
            sums[level + 1] = parentSums;
        }
    }

    /// <summary>Reassembles a tree from stored levels (see <see cref="EpochDirectory"/>).</summary>
    internal static MerkleSumTree FromLevels(CommitmentParameters parameters, Fr[][] hashes, ulong[][] sums, string[] accountIds, Fr[] salts) =>
        new(parameters, hashes, sums, EmptySubtreeHashes(parameters.Depth, parameters.AssetCount), accountIds, salts);

    /// <summary>Hash of an empty subtree per level: 0 for an empty leaf, then Node(empty, 0s, empty, 0s).</summary>
    public static Fr[] EmptySubtreeHashes(int depth, int assetCount)
    {
        var result = new Fr[depth + 1];
        var zeros = new ulong[assetCount];
        for (var level = 1; level <= depth; level++)
        {
            result[level] = HashNode(result[level - 1], zeros, result[level - 1], zeros);
        }
        return result;
    }

    private static void ForEachChunk(int count, Action<int, int> body, CancellationToken cancellationToken)
    {
        var chunks = (count + ChunkSize - 1) / ChunkSize;
        if (chunks <= 1)
        {
            cancellationToken.ThrowIfCancellationRequested();
            body(0, count);
            return;
        }
        Parallel.ForEach(
            Partitioner.Create(0, count, ChunkSize),
            new ParallelOptions { CancellationToken = cancellationToken },
            range => body(range.Item1, range.Item2));
    }

    internal sealed class ProgressTracker(IProgress<TreeBuildProgress>? progress, long total)
    {
        private long _done;

        public void Add(long hashes)
        {
            var done = Interlocked.Add(ref _done, hashes);
            progress?.Report(new TreeBuildProgress(done, total));
        }
    }
}
