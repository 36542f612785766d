using System.Text.Json;
using Aggregator.Messages;

namespace Aggregator.Host.Bus.Wire;

/// <summary>
/// The wire form of <see cref="AccountsHealthChanged.Changes"/>: one base64 string (docs/messages.md,
/// "Compact lists on the wire"). A price tick at a million accounts changes tens of thousands of pools;
/// as JSON objects they took longer to write and read than to evaluate.
/// </summary>
internal sealed class CompactHealthChangesJsonConverter() : CompactJsonConverter<IReadOnlyList<AccountHealthChanged>>("a list of health changes", Encode, Decode)
{
    /// <summary>Version, the status names used, then per change: account, pool, statuses (as indexes), bands, health factor, time.</summary>
    public static byte[] Encode(IReadOnlyList<AccountHealthChanged> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return CompactWire.Write(16 + changes.Count * 48, writer =>
        {
            var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var change in changes)
            {
                statuses.TryAdd(change.PreviousStatus, statuses.Count);
                statuses.TryAdd(change.Status, statuses.Count);
            }
            writer.Write7BitEncodedInt(statuses.Count);
            foreach (var (status, _) in statuses.OrderBy(s => s.Value))
            {
                writer.Write(status);
            }
            writer.Write7BitEncodedInt(changes.Count);
            foreach (var change in changes)
            {
                writer.Write(change.Account);
                CompactWire.WriteOptional(writer, change.Pool);
                writer.Write7BitEncodedInt(statuses[change.PreviousStatus]);
                writer.Write7BitEncodedInt(statuses[change.Status]);
                writer.Write(change.PreviousBand);
                writer.Write(change.Band);
                CompactWire.WriteOptional(writer, change.HealthFactor);
                CompactWire.WriteTime(writer, change.At);
            }
        });
    }

    /// <summary>The changes from their bytes.</summary>
    /// <exception cref="JsonException">Another version, a truncated body, bytes left over, or a value that is not valid.</exception>
    public static IReadOnlyList<AccountHealthChanged> Decode(byte[] bytes) => CompactWire.Read(bytes, "compact health changes", reader =>
    {
        var statuses = new string[CompactWire.Count(reader, "statuses")];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = reader.ReadString();
        }
        string Status(int change)
        {
            var index = reader.Read7BitEncodedInt();
            return (uint)index < (uint)statuses.Length ? statuses[index] : throw new JsonException($"health change {change} names status {index} of {statuses.Length}");
        }
        var changes = new AccountHealthChanged[CompactWire.Count(reader, "health changes")];
        for (var i = 0; i < changes.Length; i++)
        {
            var account = reader.ReadString();
            var pool = CompactWire.ReadOptional(reader);
            var previous = Status(i);
            var status = Status(i);
            var previousBand = reader.ReadInt32();
            var band = reader.ReadInt32();
            var factor = CompactWire.ReadOptionalDecimal(reader);
            changes[i] = new AccountHealthChanged(account, pool, previous, status, previousBand, band, factor, CompactWire.ReadTime(reader));
        }
        return changes;
    });
}
