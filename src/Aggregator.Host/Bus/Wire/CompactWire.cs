using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aggregator.Host.Bus.Wire;

/// <summary>A property written as one base64 string of its compact bytes (<see cref="CompactWire"/>).</summary>
internal abstract class CompactJsonConverter<T>(string what, Func<T, byte[]> encode, Func<byte[], T> decode) : JsonConverter<T>
{
    public sealed override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        decode(CompactWire.Base64(ref reader, what));

    public sealed override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBase64StringValue(encode(value));
    }
}

/// <summary>
/// What the compact wire forms share (docs/messages.md, "Compact lists on the wire"): a body is one
/// base64 string in the JSON envelope; inside it, strings are a 7-bit varint UTF-8 length then the
/// bytes, optional values a 0/1 byte first, counts varints checked against the bytes left (a lying
/// count is an error, never an allocation), and nothing may follow the last entry.
/// </summary>
internal static class CompactWire
{
    /// <summary>The first byte of every compact body: its layout's version.</summary>
    public const byte Version = 1;

    /// <summary>A body: the version byte, then what <paramref name="write"/> writes.</summary>
    public static byte[] Write(int capacity, Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream(capacity);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            write(writer);
        }
        return stream.ToArray();
    }

    /// <summary>Reads a whole body; every way it can be malformed is a <see cref="JsonException"/> naming <paramref name="what"/>.</summary>
    public static T Read<T>(byte[] bytes, string what, Func<BinaryReader, T> read)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        try
        {
            var found = reader.ReadByte();
            if (found != Version)
            {
                throw new JsonException($"{what} version {found} is not supported ({Version} is)");
            }
            var value = read(reader);
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new JsonException($"the {what} has {bytes.Length - reader.BaseStream.Position} bytes after its last entry");
            }
            return value;
        }
        catch (EndOfStreamException error)
        {
            throw new JsonException($"the {what} is cut short", error);
        }
        catch (Exception error) when (error is FormatException or ArgumentException or OverflowException or IOException)
        {
            throw new JsonException($"the {what} holds an invalid value: {error.Message}", error);
        }
    }

    /// <summary>A count of entries of at least two bytes each: more than the body can hold is refused.</summary>
    public static int Count(BinaryReader reader, string what)
    {
        var count = reader.Read7BitEncodedInt();
        var left = reader.BaseStream.Length - reader.BaseStream.Position;
        return count >= 0 && count <= left / 2 + 1
            ? count
            : throw new JsonException($"a compact body claims {count} {what}, more than its {reader.BaseStream.Length} bytes hold");
    }

    public static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    public static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    public static void WriteOptional(BinaryWriter writer, decimal? value)
    {
        writer.Write(value.HasValue);
        if (value is { } present)
        {
            writer.Write(present);
        }
    }

    public static decimal? ReadOptionalDecimal(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadDecimal() : null;

    /// <summary>A time: its UTC ticks (8 bytes), then its offset in minutes (2 bytes).</summary>
    public static void WriteTime(BinaryWriter writer, DateTimeOffset time)
    {
        writer.Write(time.UtcTicks);
        writer.Write((short)time.TotalOffsetMinutes);
    }

    /// <summary>A time written by <see cref="WriteTime"/>; ticks or an offset out of range are an <see cref="ArgumentException"/>.</summary>
    public static DateTimeOffset ReadTime(BinaryReader reader)
    {
        var utcTicks = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    /// <summary>Reads a base64 JSON string's bytes.</summary>
    public static byte[] Base64(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"{what} is a base64 string (compact form, version 1)");
        }
        try
        {
            return reader.GetBytesFromBase64();
        }
        catch (FormatException error)
        {
            throw new JsonException($"{what} is not valid base64", error);
        }
    }
}

/// <summary>
/// The compact bodies of the bus's three large messages (docs/messages.md): a batch's balances, a list of
/// health changes, a list of liquidation plans, each one base64 string of a versioned binary form. The
/// message records stay plain; this registers the forms on the serializer's options when the bus is
/// configured, as MassTransit registers a serializer.
/// </summary>
internal static class WireFormat
{
    /// <summary>Adds the compact forms to <paramref name="options"/> (once) and returns them.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        JsonConverter[] forms = [new CompactBatchJsonConverter(), new CompactHealthChangesJsonConverter(), new CompactPlansJsonConverter()];
        foreach (var form in forms.Where(f => !options.Converters.Any(c => c.GetType() == f.GetType())))
        {
            options.Converters.Add(form);
        }
        return options;
    }
}
