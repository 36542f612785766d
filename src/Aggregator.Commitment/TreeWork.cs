using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aggregator.Core.Errors;
using Aggregator.Core.Files;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;

namespace Aggregator.Commitment;

/// <summary>
/// An epoch's tree built in pieces by many workers (docs/operations.md, "Tree workers"), in a folder the
/// prover and the workers share. The prover prepares it (the secret, the rows, the plan); workers take
/// identity jobs over ranges of rows, then subtree jobs over the same ranges of sorted leaves, each
/// writing one file whole or not at all; between the two the prover sorts the leaves, and at the end it
/// joins the subtrees' roots into the top levels. Every piece is <see cref="MerkleSumTree"/>'s own code on
/// a part of the input, so the tree is node for node the one a single process builds.
/// </summary>
public sealed class TreeWork
{
    /// <summary>Salt, idHash and leaf hash of a range of rows.</summary>
    public const string IdentitiesStage = "identities";

    /// <summary>Levels 1 to h of an aligned range of 2^h sorted leaves.</summary>
    public const string SubtreesStage = "subtrees";

    private const string PlanFile = "plan.json";
    private const string RowsFile = "rows.bin";
    private const string LeavesFile = "leaves.bin";
    private const string SecretFile = "secret.hex";
    private const int IdentityBytes = 3 * 32;
    private static readonly byte[] RowsMagic = "AGGROWS1"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly CommitmentParameters _parameters;

    // The rows, when this is the prover's own instance (they are in its memory already); a worker reads its range.
    private readonly IReadOnlyList<LiabilityRow>? _rows;

    private TreeWork(string folder, TreePlan plan, IReadOnlyList<LiabilityRow>? rows = null)
    {
        Folder = folder;
        Plan = plan;
        _rows = rows;
        _parameters = EpochManifest.ParametersOf(plan.Depth, plan.Assets, "the tree plan's");
    }

    /// <summary>The shared folder.</summary>
    public string Folder { get; }

    /// <summary>What is built: the commitment's shape, the number of rows, the size of a job.</summary>
    public TreePlan Plan { get; }

    /// <summary>Levels in one subtree job: log2 of the job size.</summary>
    public int SubtreeHeight => System.Numerics.BitOperations.Log2((uint)Plan.JobAccounts);

    /// <summary>
    /// Writes a fresh folder for a build (any earlier one there is removed: each close draws a new secret):
    /// owner-only, holding the secret, the rows and, last, the plan.
    /// </summary>
    /// <param name="jobAccounts">Rows per job, a power of two; capped at the tree's capacity.</param>
    /// <exception cref="InputException">Too many rows, or a column whose total reaches 2^64.</exception>
    public static TreeWork Prepare(string folder, CommitmentParameters parameters, IReadOnlyList<LiabilityRow> rows, EpochSecret secret, int jobAccounts)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(secret);
        if (jobAccounts < 1 || !System.Numerics.BitOperations.IsPow2(jobAccounts))
        {
            throw new ArgumentOutOfRangeException(nameof(jobAccounts), jobAccounts, "a job's rows are a power of two");
        }
        MerkleSumTree.CheckRows(parameters, rows);
        // Every partial sum is at most its column's total: checked here, no job can fail on one.
        for (var a = 0; a < parameters.AssetCount; a++)
        {
            UInt128 total = 0;
            foreach (var row in rows)
            {
                total += row.Balances[a];
            }
            if (total > ulong.MaxValue)
            {
                throw new InputException($"the total of {parameters.Assets[a].Id} reaches 2^64 proof units; use fewer proof decimals for it");
            }
        }
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        SafeFile.WriteAtomically(Path.Combine(folder, SecretFile), secret.ToHex() + "\n", ownerOnly: true);
        SafeFile.WriteBytesAtomically(Path.Combine(folder, RowsFile), stream => WriteRows(stream, rows, parameters.AssetCount), ownerOnly: true);
        var plan = new TreePlan(parameters.Depth, [.. parameters.Assets.Select(a => new EpochManifest.AssetEntry(a.Id.Symbol, a.ProofDecimals))],
            rows.Count, (int)Math.Min(jobAccounts, parameters.Capacity));
        SafeFile.WriteAtomically(Path.Combine(folder, PlanFile), JsonSerializer.Serialize(plan, Json) + "\n", ownerOnly: true);
        return new TreeWork(folder, plan, rows);
    }

    /// <summary>A prepared folder, as a worker finds it.</summary>
    /// <exception cref="InputException">No plan there, or a malformed one.</exception>
    public static TreeWork Open(string folder)
    {
        var path = Path.Combine(folder, PlanFile);
        if (!File.Exists(path))
        {
            throw new InputException("no tree build is prepared here", file: path);
        }
        TreePlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<TreePlan>(File.ReadAllText(path), Json);
        }
        catch (JsonException error)
        {
            throw new InputException($"malformed plan: {error.Message}", file: path);
        }
        if (plan is not { Assets: not null } || plan.Accounts < 0 || plan.JobAccounts < 1 || !System.Numerics.BitOperations.IsPow2(plan.JobAccounts))
        {
            throw new InputException("malformed plan: accounts, assets and a power-of-two job size are required", file: path);
        }
        var work = new TreeWork(folder, plan);
        if (plan.Accounts > work._parameters.Capacity || plan.JobAccounts > work._parameters.Capacity)
        {
            throw new InputException($"the plan's {plan.Accounts} rows or jobs of {plan.JobAccounts} do not fit depth {plan.Depth}", file: path);
        }
        return work;
    }

    /// <summary>The jobs of either stage: the same ranges of rows (then of sorted leaves), <see cref="TreePlan.JobAccounts"/> each, the last one shorter.</summary>
    public IReadOnlyList<(long Start, long End)> Jobs()
    {
        var jobs = new List<(long, long)>();
        for (long start = 0; start < Plan.Accounts; start += Plan.JobAccounts)
        {
            jobs.Add((start, Math.Min(start + Plan.JobAccounts, Plan.Accounts)));
        }
        return jobs;
    }

    /// <summary>Whether a job's file is there (written whole or not at all, so there means done).</summary>
    public bool IsDone(string stage, long start) => File.Exists(OutputPath(stage, start));

    /// <summary>Does one job and writes its file; done again, it writes the same file.</summary>
    /// <exception cref="InputException">A stage or range that is not one of the plan's jobs, or missing inputs.</exception>
    public void Run(string stage, long start, long end, CancellationToken cancellationToken = default)
    {
        CheckJob(stage, start, end);
        if (stage == IdentitiesStage)
        {
            RunIdentities(start, end, cancellationToken);
        }
        else
        {
            RunSubtree(start, end, cancellationToken);
        }
    }

    /// <summary>
    /// The leaf order, once every identity job is done: the rows sorted by idHash, written to the folder
    /// for the subtree jobs (leaf hash and sums per leaf), and kept for <see cref="Assemble"/>.
    /// </summary>
    /// <exception cref="InputException">An identity job not done, or an account twice.</exception>
    public SortedLeaves Sort()
    {
        var n = (int)Plan.Accounts;
        var k = _parameters.AssetCount;
        var rows = _rows ?? ReadRows(0, n);
        var salts = new Fr[n];
        var idHashes = new Fr[n];
        var leafHashes = new Fr[n];
        foreach (var (start, end) in Jobs())
        {
            var path = OutputPath(IdentitiesStage, start);
            var bytes = ReadWhole(path, (end - start) * IdentityBytes);
            for (var i = 0; i < end - start; i++)
            {
                var record = bytes.AsSpan(i * IdentityBytes, IdentityBytes);
                salts[start + i] = ReadElement(record[..32], path);
                idHashes[start + i] = ReadElement(record[32..64], path);
                leafHashes[start + i] = ReadElement(record[64..], path);
            }
        }
        var order = MerkleSumTree.SortByIdHash(idHashes, i => rows[i].AccountId);
        var sorted = new SortedLeaves(new string[n], new Fr[n], new Fr[n], new ulong[n * k]);
        for (var i = 0; i < n; i++)
        {
            var source = order[i];
            sorted.AccountIds[i] = rows[source].AccountId;
            sorted.Salts[i] = salts[source];
            sorted.LeafHashes[i] = leafHashes[source];
            rows[source].Balances.CopyTo(sorted.Sums, i * k);
        }
        SafeFile.WriteBytesAtomically(Path.Combine(Folder, LeavesFile), stream =>
        {
            Span<byte> buffer = stackalloc byte[32];
            for (var i = 0; i < n; i++)
            {
                sorted.LeafHashes[i].WriteCanonicalLittleEndian(buffer);
                stream.Write(buffer);
                for (var a = 0; a < k; a++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(buffer, sorted.Sums[i * k + a]);
                    stream.Write(buffer[..8]);
                }
            }
        }, ownerOnly: true);
        return sorted;
    }

    /// <summary>The tree, once every subtree job is done: the sorted leaves, the subtrees' levels side by side, and the levels above them built here.</summary>
    /// <exception cref="InputException">A subtree job not done, or its file malformed.</exception>
    public MerkleSumTree Assemble(SortedLeaves leaves, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var depth = _parameters.Depth;
        var k = _parameters.AssetCount;
        var height = SubtreeHeight;
        var hashes = new Fr[depth + 1][];
        var sums = new ulong[depth + 1][];
        hashes[0] = leaves.LeafHashes;
        sums[0] = leaves.Sums;
        for (var level = 1; level <= height; level++)
        {
            var count = (hashes[level - 1].Length + 1) / 2;
            hashes[level] = new Fr[count];
            sums[level] = new ulong[count * k];
        }
        foreach (var (start, end) in Jobs())
        {
            var path = OutputPath(SubtreesStage, start);
            using var reader = new BinaryReader(File.OpenRead(path));
            try
            {
                for (var level = 1; level <= height; level++)
                {
                    var first = start >> level;
                    var count = reader.ReadInt64();
                    if (count != ((end - start) + (1L << level) - 1) >> level)
                    {
                        throw new InputException($"level {level} holds {count} nodes, not this range's", file: path);
                    }
                    for (var i = 0; i < count; i++)
                    {
                        hashes[level][first + i] = ReadElement(reader.ReadBytes(32), path);
                    }
                    for (var i = 0; i < count * k; i++)
                    {
                        sums[level][first * k + i] = reader.ReadUInt64();
                    }
                }
            }
            catch (EndOfStreamException)
            {
                throw new InputException("truncated subtree", file: path);
            }
        }
        var emptyHashes = MerkleSumTree.EmptySubtreeHashes(depth, k);
        MerkleSumTree.BuildLevels(_parameters, hashes, sums, height, emptyHashes, PoseidonLanes.IsSupported, null, cancellationToken);
        return MerkleSumTree.FromLevels(_parameters, hashes, sums, leaves.AccountIds, leaves.Salts);
    }

    /// <summary>Removes the folder (the secret in it too), once the epoch directory holds the tree.</summary>
    public void Delete() => Directory.Delete(Folder, recursive: true);

    private string OutputPath(string stage, long start) => Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"{stage}-{start:D12}.bin"));

    private void CheckJob(string stage, long start, long end)
    {
        if (stage is not (IdentitiesStage or SubtreesStage))
        {
            throw new InputException($"'{stage}' is not a stage of the tree (identities or subtrees)", field: "stage");
        }
        if (start < 0 || start >= Plan.Accounts || start % Plan.JobAccounts != 0 || end != Math.Min(start + Plan.JobAccounts, Plan.Accounts))
        {
            throw new InputException($"{start}..{end} is not one of the plan's jobs ({Plan.Accounts} rows, {Plan.JobAccounts} a job)", field: "range", file: Path.Combine(Folder, PlanFile));
        }
    }

    private void RunIdentities(long start, long end, CancellationToken cancellationToken)
    {
        var count = (int)(end - start);
        var rows = ReadRows(start, end);
        var secret = EpochSecret.ParseHex(File.ReadAllText(Path.Combine(Folder, SecretFile)).Trim());
        var salts = new Fr[count];
        var idHashes = new Fr[count];
        var leafHashes = new Fr[count];
        MerkleSumTree.Identities(_parameters, rows, secret.Value, salts, idHashes, leafHashes, PoseidonLanes.IsSupported, null, cancellationToken);
        SafeFile.WriteBytesAtomically(OutputPath(IdentitiesStage, start), stream =>
        {
            Span<byte> buffer = stackalloc byte[IdentityBytes];
            for (var i = 0; i < count; i++)
            {
                salts[i].WriteCanonicalLittleEndian(buffer[..32]);
                idHashes[i].WriteCanonicalLittleEndian(buffer[32..64]);
                leafHashes[i].WriteCanonicalLittleEndian(buffer[64..]);
                stream.Write(buffer);
            }
        }, ownerOnly: true);
    }

    private void RunSubtree(long start, long end, CancellationToken cancellationToken)
    {
        var k = _parameters.AssetCount;
        var count = (int)(end - start);
        var recordBytes = 32 + 8 * k;
        var path = Path.Combine(Folder, LeavesFile);
        var bytes = ReadRange(path, start * recordBytes, count * recordBytes);
        var height = SubtreeHeight;
        var hashes = new Fr[height + 1][];
        var sums = new ulong[height + 1][];
        hashes[0] = new Fr[count];
        sums[0] = new ulong[count * k];
        for (var i = 0; i < count; i++)
        {
            var record = bytes.AsSpan(i * recordBytes, recordBytes);
            hashes[0][i] = ReadElement(record[..32], path);
            for (var a = 0; a < k; a++)
            {
                sums[0][i * k + a] = BinaryPrimitives.ReadUInt64LittleEndian(record[(32 + 8 * a)..]);
            }
        }
        // The empty subtrees are the tree's own up to this height: past the last leaf, the same padding.
        var emptyHashes = MerkleSumTree.EmptySubtreeHashes(height, k);
        MerkleSumTree.BuildLevels(_parameters, hashes, sums, 0, emptyHashes, PoseidonLanes.IsSupported, null, cancellationToken);
        SafeFile.WriteBytesAtomically(OutputPath(SubtreesStage, start), stream =>
        {
            Span<byte> buffer = stackalloc byte[32];
            for (var level = 1; level <= height; level++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(buffer, hashes[level].Length);
                stream.Write(buffer[..8]);
                foreach (var hash in hashes[level])
                {
                    hash.WriteCanonicalLittleEndian(buffer);
                    stream.Write(buffer);
                }
                foreach (var sum in sums[level])
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(buffer, sum);
                    stream.Write(buffer[..8]);
                }
            }
        }, ownerOnly: true);
    }

    // rows.bin: "AGGROWS1", u32 K, u64 n, u64 offsets[n + 1] into the records, then per row a u16 id
    // length, the UTF-8 id and K u64 balances; little-endian. The offsets let a job read its range alone.
    private static void WriteRows(Stream stream, IReadOnlyList<LiabilityRow> rows, int k)
    {
        Span<byte> buffer = stackalloc byte[8];
        stream.Write(RowsMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)k);
        stream.Write(buffer[..4]);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, (ulong)rows.Count);
        stream.Write(buffer);
        ulong offset = 0;
        for (var i = 0; i <= rows.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, offset);
            stream.Write(buffer);
            if (i < rows.Count)
            {
                offset += (ulong)(2 + Encoding.UTF8.GetByteCount(rows[i].AccountId) + 8 * k);
            }
        }
        foreach (var row in rows)
        {
            var id = Encoding.UTF8.GetBytes(row.AccountId);
            if (id.Length > ushort.MaxValue)
            {
                throw new InputException($"account id of {id.Length} bytes is too long", field: "account");
            }
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)id.Length);
            stream.Write(buffer[..2]);
            stream.Write(id);
            foreach (var balance in row.Balances)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(buffer, balance);
                stream.Write(buffer);
            }
        }
    }

    private LiabilityRow[] ReadRows(long start, long end)
    {
        var path = Path.Combine(Folder, RowsFile);
        var k = _parameters.AssetCount;
        var header = ReadRange(path, 0, RowsMagic.Length + 12);
        if (!header.AsSpan(0, RowsMagic.Length).SequenceEqual(RowsMagic)
            || BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)) != k
            || BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(12)) != Plan.Accounts)
        {
            throw new InputException("not the plan's rows", file: path);
        }
        var recordsStart = header.Length + 8 * (Plan.Accounts + 1);
        var offsets = ReadRange(path, header.Length + 8 * start, 16 + 8 * (int)(end - start) - 8);
        var first = BinaryPrimitives.ReadInt64LittleEndian(offsets);
        var last = BinaryPrimitives.ReadInt64LittleEndian(offsets.AsSpan(offsets.Length - 8));
        var records = ReadRange(path, recordsStart + first, checked((int)(last - first)));
        var rows = new LiabilityRow[end - start];
        var position = 0;
        try
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var idLength = BinaryPrimitives.ReadUInt16LittleEndian(records.AsSpan(position));
                var id = Encoding.UTF8.GetString(records, position + 2, idLength);
                position += 2 + idLength;
                var balances = new ulong[k];
                for (var a = 0; a < k; a++)
                {
                    balances[a] = BinaryPrimitives.ReadUInt64LittleEndian(records.AsSpan(position));
                    position += 8;
                }
                rows[i] = new LiabilityRow(id, balances);
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new InputException($"rows {start}..{end} run past their records", file: path);
        }
        return rows;
    }

    private static byte[] ReadRange(string path, long offset, int count)
    {
        if (!File.Exists(path))
        {
            throw new InputException("missing", file: path);
        }
        using var handle = File.OpenHandle(path);
        var bytes = new byte[count];
        var done = 0;
        while (done < count)
        {
            var read = RandomAccess.Read(handle, bytes.AsSpan(done), offset + done);
            if (read == 0)
            {
                throw new InputException($"truncated: {count} bytes at {offset} wanted", file: path);
            }
            done += read;
        }
        return bytes;
    }

    private static byte[] ReadWhole(string path, long expectedLength)
    {
        if (!File.Exists(path))
        {
            throw new InputException("a job's file is missing: the job is not done", file: path);
        }
        var bytes = File.ReadAllBytes(path);
        return bytes.Length == expectedLength ? bytes : throw new InputException($"{bytes.Length} bytes where {expectedLength} were expected", file: path);
    }

    private static Fr ReadElement(ReadOnlySpan<byte> bytes, string path)
    {
        try
        {
            return Fr.FromCanonicalLittleEndian(bytes);
        }
        catch (ArgumentException error)
        {
            throw new InputException($"not a field element: {error.Message}", file: path);
        }
    }
}

/// <summary>What a distributed build makes: <paramref name="Accounts"/> rows in jobs of <paramref name="JobAccounts"/> (a power of two) for a tree of <paramref name="Depth"/> over <paramref name="Assets"/>.</summary>
public sealed record TreePlan(int Depth, EpochManifest.AssetEntry[] Assets, long Accounts, int JobAccounts);

/// <summary>The leaves in tree order: account, salt, leaf hash and K sums each.</summary>
public sealed record SortedLeaves(string[] AccountIds, Fr[] Salts, Fr[] LeafHashes, ulong[] Sums);
