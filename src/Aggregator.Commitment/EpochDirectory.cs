using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aggregator.Core.Errors;
using Aggregator.Core.Files;
using Aggregator.Crypto.Field;

namespace Aggregator.Commitment;

/// <summary>
/// An epoch's directory: public <c>manifest.json</c>, and under <c>private/</c> what the institution keeps
/// to prove later (the secret, every account's leaf record, every tree node). Written atomically: files
/// go to a temporary sibling directory that is renamed into place only when complete.
/// </summary>
public static class EpochDirectory
{
    public const string ManifestFile = "manifest.json";
    public const string PrivateFolder = "private";
    public const string SecretFile = "secret.hex";
    public const string AccountsFile = "accounts.jsonl";
    public const string TreeFile = "tree.bin";

    private static readonly byte[] TreeMagic = "AGGTREE1"u8.ToArray();

    private static JsonSerializerOptions Json => CommitmentJson.Default.Options;

    // The private files are the institution's alone: owner-only on Unix (0700 folder, 0600 files).
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Writes a new epoch directory, committing the tree to <paramref name="epoch"/> and
    /// <paramref name="publisher"/>; an existing directory is never overwritten.
    /// <paramref name="publicFiles"/> (name to contents) go in with the rest, in the same rename.
    /// </summary>
    /// <exception cref="InputException">The directory already exists.</exception>
    public static EpochManifest Write(string directory, MerkleSumTree tree, EpochSecret secret, ulong epoch, PublisherAddress publisher, DateTimeOffset createdAt, IReadOnlyDictionary<string, string>? publicFiles = null, IReadOnlyList<EpochManifest.HeightEntry>? liabilities = null, ulong? liabilitiesTime = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(secret);
        var target = Path.GetFullPath(directory);
        if (Directory.Exists(target) || File.Exists(target))
        {
            throw new InputException("the output already exists; an epoch directory is never overwritten", field: "--out", file: directory);
        }
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        var binding = EpochCommitment.Of(tree, epoch, publisher);
        var manifest = new EpochManifest(
            EpochManifest.CurrentFormat, epoch, publisher.Hex, tree.RootHash.ToString(), tree.Depth,
            tree.Parameters.Assets.Select(a => new EpochManifest.AssetEntry(a.Id.Symbol, a.ProofDecimals)).ToArray(),
            binding.ParamsHash.ToString(), binding.Value.ToString(),
            DateTimeOffset.FromUnixTimeSeconds(createdAt.ToUnixTimeSeconds())) { Liabilities = liabilities, LiabilitiesTime = liabilitiesTime };
        try
        {
            var privateFolder = Path.Combine(staging, PrivateFolder);
            CreatePrivateFolder(privateFolder);
            using (var secretFile = CreatePrivateFile(Path.Combine(privateFolder, SecretFile), 64))
            {
                secretFile.Write(Encoding.ASCII.GetBytes(secret.ToHex() + "\n"));
            }
            WriteAccounts(Path.Combine(privateFolder, AccountsFile), tree);
            WriteTree(Path.Combine(privateFolder, TreeFile), tree);
            foreach (var (name, contents) in publicFiles ?? new Dictionary<string, string>())
            {
                File.WriteAllText(Path.Combine(staging, Path.GetFileName(name)), contents);
            }
            File.WriteAllText(Path.Combine(staging, ManifestFile), JsonSerializer.Serialize(manifest, CommitmentJson.Default.EpochManifest) + "\n");
            Directory.Move(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            throw;
        }
        return manifest;
    }

    /// <summary>Replaces the manifest atomically (write, then rename), e.g. to add reserves or a publication.</summary>
    public static void UpdateManifest(string directory, EpochManifest manifest)
    {
        var path = Path.Combine(directory, ManifestFile);
        SafeFile.WriteAtomically(path, JsonSerializer.Serialize(manifest, CommitmentJson.Default.EpochManifest) + "\n");
    }

    /// <summary>Writes a JSON document in the epoch's style (indented, camelCase, final newline), atomically.</summary>
    /// <param name="ownerOnly">Readable by its owner only (an account's inclusion file holds its salt and balances).</param>
    public static void WriteDocument(string path, System.Text.Json.Nodes.JsonNode document, bool ownerOnly = false) =>
        SafeFile.WriteAtomically(path, DocumentText(document), ownerOnly);

    /// <summary>A document's text exactly as <see cref="WriteDocument"/> writes it.</summary>
    public static string DocumentText(System.Text.Json.Nodes.JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.ToJsonString(Json) + "\n";
    }

    /// <summary>Reads the public manifest.</summary>
    /// <exception cref="InputException">Missing or malformed.</exception>
    public static EpochManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ManifestFile);
        if (!File.Exists(path))
        {
            throw new InputException("no manifest.json: not an epoch directory", file: path);
        }
        return ReadManifestFile(path);
    }

    /// <summary>Reads exactly the manifest file named (a published copy may have any name).</summary>
    /// <exception cref="InputException">Missing, malformed, or its paramsHash or commitment do not recompute.</exception>
    public static EpochManifest ReadManifestFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the manifest does not exist", file: path);
        }
        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllText(path), CommitmentJson.Default.EpochManifest);
            if (manifest is null || manifest.Format != EpochManifest.CurrentFormat || manifest.Assets is null
                || manifest.Publisher is null || manifest.ParamsHash is null || manifest.Commitment is null)
            {
                throw new InputException($"not a manifest of format {EpochManifest.CurrentFormat}", file: path);
            }
            manifest.Binding();
            return manifest;
        }
        catch (JsonException error)
        {
            throw new InputException($"malformed JSON: {error.Message}", file: path, line: error.LineNumber + 1);
        }
        catch (InputException error) when (error.File is null)
        {
            throw new InputException(error.Problem, file: path, field: error.Field);
        }
    }

    /// <summary>Loads the institution's private tree back, checking it against the manifest's root.</summary>
    /// <exception cref="InputException">Missing, malformed or inconsistent files.</exception>
    public static MerkleSumTree ReadTree(string directory)
    {
        var manifest = ReadManifest(directory);
        var parameters = manifest.Parameters();
        var privateFolder = Path.Combine(directory, PrivateFolder);
        var treePath = Path.Combine(privateFolder, TreeFile);
        var (hashes, sums) = ReadLevels(treePath, parameters);
        var (accountIds, salts) = ReadAccounts(Path.Combine(privateFolder, AccountsFile), hashes[0].Length);
        var tree = MerkleSumTree.FromLevels(parameters, hashes, sums, accountIds, salts);
        if (tree.RootHash.ToString() != manifest.RootHash)
        {
            throw new InputException($"the stored tree's root {tree.RootHash} is not the manifest's {manifest.RootHash}", file: treePath);
        }
        return tree;
    }

    private static void CreatePrivateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }

    // A new file readable by its owner only from the moment it exists (not chmod after the write).
    private static FileStream CreatePrivateFile(string path, int bufferSize) => SafeFile.OpenPrivate(path, FileMode.CreateNew, bufferSize: bufferSize);

    private static void WriteAccounts(string path, MerkleSumTree tree)
    {
        using var stream = CreatePrivateFile(path, 1 << 16);
        using var writer = new Utf8JsonWriter(stream);
        var newline = "\n"u8.ToArray();
        for (var i = 0; i < tree.LeafCount; i++)
        {
            var leaf = tree.Leaf(i);
            writer.Reset();
            writer.WriteStartObject();
            writer.WriteNumber("leafIndex", leaf.LeafIndex);
            writer.WriteString("account", leaf.AccountId);
            writer.WriteString("salt", leaf.Salt.ToString());
            writer.WriteStartArray("balances");
            foreach (var balance in leaf.Balances)
            {
                writer.WriteStringValue(balance.ToString(CultureInfo.InvariantCulture));
            }
            writer.WriteEndArray();
            writer.WriteString("leafHash", leaf.LeafHash.ToString());
            writer.WriteEndObject();
            writer.Flush();
            stream.Write(newline);
        }
    }

    private static (string[] AccountIds, Fr[] Salts) ReadAccounts(string path, int leafCount)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the epoch's private account records are missing", file: path);
        }
        var accountIds = new string[leafCount];
        var salts = new Fr[leafCount];
        long lineNumber = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var index = root.GetProperty("leafIndex").GetInt32();
                if (index != lineNumber - 1 || index >= leafCount)
                {
                    throw new InputException($"leaf index {index} out of order or past the tree's {leafCount} leaves", file: path, line: lineNumber);
                }
                accountIds[index] = root.GetProperty("account").GetString()!;
                salts[index] = Fr.Parse(root.GetProperty("salt").GetString()!);
            }
            catch (Exception error) when (error is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                throw new InputException($"malformed account record: {error.Message}", file: path, line: lineNumber);
            }
        }
        if (lineNumber != leafCount)
        {
            throw new InputException($"{lineNumber} account records for a tree of {leafCount} leaves", file: path);
        }
        return (accountIds, salts);
    }

    // tree.bin: "AGGTREE1", u32 depth, u32 K, u64 node count per level 0..D, then per level its node
    // hashes (32-byte canonical little-endian) followed by its sums (K u64 per node), all little-endian.
    private static void WriteTree(string path, MerkleSumTree tree)
    {
        using var stream = CreatePrivateFile(path, 1 << 20);
        Span<byte> buffer = stackalloc byte[32];
        stream.Write(TreeMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)tree.Depth);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[4..], (uint)tree.AssetCount);
        stream.Write(buffer[..8]);
        for (var level = 0; level <= tree.Depth; level++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, (ulong)tree.NodeCount(level));
            stream.Write(buffer[..8]);
        }
        for (var level = 0; level <= tree.Depth; level++)
        {
            var count = tree.NodeCount(level);
            for (var i = 0; i < count; i++)
            {
                tree.NodeHash(level, i).WriteCanonicalLittleEndian(buffer);
                stream.Write(buffer);
            }
            for (var i = 0; i < count; i++)
            {
                foreach (var sum in tree.NodeSums(level, i))
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(buffer, sum);
                    stream.Write(buffer[..8]);
                }
            }
        }
    }

    /// <summary>
    /// The number of accounts in the epoch's private tree, from its header alone (the whole tree is not
    /// read): for work split by leaf ranges.
    /// </summary>
    /// <exception cref="InputException">Missing or malformed files.</exception>
    public static int LeafCount(string directory)
    {
        var path = Path.Combine(directory, PrivateFolder, TreeFile);
        using var reader = OpenTree(path);
        try
        {
            return (int)ReadLevelCounts(reader, path, ReadManifest(directory).Parameters())[0];
        }
        catch (Exception error) when (error is EndOfStreamException or ArgumentException)
        {
            throw new InputException($"truncated or corrupt tree: {error.Message}", file: path);
        }
    }

    private static BinaryReader OpenTree(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the epoch's private tree is missing", file: path);
        }
        return new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20));
    }

    // tree.bin's header: the magic, depth and K checked against the parameters, and each level's node count against the one below.
    private static long[] ReadLevelCounts(BinaryReader reader, string path, CommitmentParameters parameters)
    {
        if (!reader.ReadBytes(TreeMagic.Length).AsSpan().SequenceEqual(TreeMagic)
            || reader.ReadUInt32() != parameters.Depth || reader.ReadUInt32() != parameters.AssetCount)
        {
            throw new InputException("not a tree of this manifest's depth and assets", file: path);
        }
        var counts = new long[parameters.Depth + 1];
        for (var level = 0; level <= parameters.Depth; level++)
        {
            counts[level] = (long)reader.ReadUInt64();
            var expected = level == 0 ? counts[0] : (counts[level - 1] + 1) / 2;
            if (counts[level] != expected || counts[0] > parameters.Capacity)
            {
                throw new InputException($"level {level} holds {counts[level]} nodes, expected {expected}", file: path);
            }
        }
        return counts;
    }

    private static (Fr[][] Hashes, ulong[][] Sums) ReadLevels(string path, CommitmentParameters parameters)
    {
        using var reader = OpenTree(path);
        var stream = reader.BaseStream;
        try
        {
            var counts = ReadLevelCounts(reader, path, parameters);
            var hashes = new Fr[parameters.Depth + 1][];
            var sums = new ulong[parameters.Depth + 1][];
            var k = parameters.AssetCount;
            for (var level = 0; level <= parameters.Depth; level++)
            {
                hashes[level] = new Fr[counts[level]];
                for (var i = 0; i < counts[level]; i++)
                {
                    hashes[level][i] = Fr.FromCanonicalLittleEndian(reader.ReadBytes(32));
                }
                sums[level] = new ulong[counts[level] * k];
                for (var i = 0; i < sums[level].Length; i++)
                {
                    sums[level][i] = reader.ReadUInt64();
                }
            }
            if (stream.Position != stream.Length)
            {
                throw new InputException("trailing bytes after the last level", file: path);
            }
            return (hashes, sums);
        }
        catch (Exception error) when (error is EndOfStreamException or ArgumentException)
        {
            throw new InputException($"truncated or corrupt tree: {error.Message}", file: path);
        }
    }
}
