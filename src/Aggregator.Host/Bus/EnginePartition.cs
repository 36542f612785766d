using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Aggregator.Core.Errors;

namespace Aggregator.Host.Bus;

/// <summary>
/// Which accounts one engine replica owns: those whose stable hash (the first 8 bytes of SHA-256 of the
/// UTF-8 id, big-endian, modulo the count) is its index. Every replica has its own queue and receives
/// every observation, price and ledger entry (a fan-out from each message type's exchange); it applies
/// what concerns its accounts and passes over the rest, so N replicas hold exactly what one would.
/// </summary>
public readonly record struct EnginePartition(int Index, int Count)
{
    /// <summary>One replica owning every account.</summary>
    public static EnginePartition Whole => new(0, 1);

    /// <summary>The replica's queue: "engine" alone, "engine-1-of-4" in a partitioned deployment.</summary>
    public string Queue => Count <= 1 ? BusIdentity.Engine : $"{BusIdentity.Engine}-{Index}-of-{Count}";

    /// <summary>Parses "INDEX/COUNT" (0-based index), e.g. "0/2".</summary>
    /// <exception cref="InputException">Not such a pair.</exception>
    public static EnginePartition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var index) && int.TryParse(parts[1], out var count) && count is >= 1 and <= 1024 && index >= 0 && index < count)
        {
            return new EnginePartition(index, count);
        }
        throw new InputException($"'{text}' is not INDEX/COUNT with 0 <= INDEX < COUNT <= 1024 (e.g. 0/2)", field: "--partition");
    }

    /// <summary>The partition whose queue (and broker user) is <paramref name="queue"/>, or null when it names none.</summary>
    public static EnginePartition? FromQueue(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (queue == BusIdentity.Engine)
        {
            return Whole;
        }
        var parts = queue.Split('-');
        return parts is [BusIdentity.Engine, var index, "of", var count]
            && int.TryParse(index, System.Globalization.NumberStyles.None, null, out var i) && int.TryParse(count, System.Globalization.NumberStyles.None, null, out var n)
            && n is >= 2 and <= 1024 && i < n && new EnginePartition(i, n).Queue == queue
            ? new EnginePartition(i, n)
            : null;
    }

    /// <summary>Whether this replica owns the account.</summary>
    public bool Owns(string accountId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(accountId), digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest) % (ulong)Math.Max(1, Count) == (ulong)Index;
    }
}
