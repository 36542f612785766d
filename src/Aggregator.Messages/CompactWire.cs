using System.Text;
using System.Text.Json;

namespace Aggregator.Messages;

/// <summary>
/// What the compact wire forms share (docs/messages.md, "Compact lists on the wire"): a body is one
/// base64 string in the JSON envelope; inside it, strings are a 7-bit varint UTF-8 length then the
/// bytes, optional values a 0/1 byte first, counts varints checked against the bytes left (a lying
/// count is an error, never an allocation), and nothing may follow the last entry.
/// </summary>
internal static class CompactWire
{
    public static byte[] Write(int capacity, Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream(capacity);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }
        return stream.ToArray();
    }

    /// <summary>Reads a whole body; every way it can be malformed is a <see cref="JsonException"/> naming <paramref name="what"/>.</summary>
    public static T Read<T>(byte[] bytes, string what, byte version, Func<BinaryReader, T> read)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        try
        {
            var found = reader.ReadByte();
            if (found != version)
            {
                throw new JsonException($"{what} version {found} is not supported ({version} is)");
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
