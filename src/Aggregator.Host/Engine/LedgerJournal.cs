using System.Text.Json;
using Aggregator.Messages;

namespace Aggregator.Host.Engine;

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

    /// <summary>The entries recorded, in order; a torn last line (a crash mid-write, never acknowledged) is left out.</summary>
    public IReadOnlyList<LedgerEntry> Read()
    {
        if (path is null || !File.Exists(path))
        {
            return [];
        }
        var entries = new List<LedgerEntry>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            try
            {
                entries.Add(JsonSerializer.Deserialize<LedgerEntry>(lines[i], Json) ?? throw new JsonException("null"));
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                // The entry was never acknowledged, so the broker delivers it again.
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
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(line);
            file.WriteByte((byte)'\n');
            file.Flush(flushToDisk: true);
        }
    }
}
