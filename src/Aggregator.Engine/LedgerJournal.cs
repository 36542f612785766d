using System.Text.Json;
using Aggregator.Core.Files;
using Aggregator.Host.Bus;
using Aggregator.Messages;

namespace Aggregator.Engine;

/// <summary>
/// The ledger entries a replica has applied, one JSON line each, flushed to disk before the entry is
/// acknowledged: the replica's only state that no chain holds. A restarted replica applies them again
/// (by entry id, once) before it takes new messages; its balances come back from the adapters. Without
/// a path nothing is kept (an in-process run that dies with its bus).
/// </summary>
internal sealed class LedgerJournal(string? path)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly object _gate = new();

    /// <summary>
    /// The entries recorded, in order. A torn last line (a crash mid-write, never acknowledged, so the
    /// broker delivers that entry again) is cut off the file, so the next entry starts a line of its own
    /// instead of being appended onto it.
    /// </summary>
    public IReadOnlyList<LedgerEntry> Read()
    {
        if (path is null || !File.Exists(path))
        {
            return [];
        }
        var bytes = File.ReadAllBytes(path);
        var whole = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (whole < bytes.Length)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
            file.SetLength(whole);
            file.Flush(flushToDisk: true);
        }
        var entries = new List<LedgerEntry>();
        var lines = System.Text.Encoding.UTF8.GetString(bytes, 0, whole).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            try
            {
                entries.Add(JsonSerializer.Deserialize<LedgerEntry>(lines[i], Json) ?? throw new JsonException("null"));
            }
            catch (JsonException error)
            {
                throw new Core.Errors.InputException($"the ledger journal is corrupt: {error.Message}", file: path, line: i + 1);
            }
        }
        return entries;
    }

    public void Append(LedgerEntry entry)
    {
        if (path is null)
        {
            return;
        }
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, Json);
        lock (_gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using var file = SafeFile.OpenPrivate(path, FileMode.Append, FileShare.Read); // the institution's books: owner-only
            file.Write(line);
            file.WriteByte((byte)'\n');
            file.Flush(flushToDisk: true);
        }
    }
}
