using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;

namespace Aggregator.Messages;

/// <summary>
/// The wire form of <see cref="CollateralObserved.Batch"/>: one base64 string holding a compact binary
/// batch (docs/messages.md, "Observation batches on the wire") instead of a JSON object per balance.
/// A batch of 1,000 balances is one string to encode, not 4,000 JSON properties, which is what made
/// serialization the bus's cost. Everything read is checked; a malformed body is a
/// <see cref="JsonException"/> naming what is wrong, so the message goes to the error queue with it.
/// </summary>
public sealed class CompactBatchJsonConverter : JsonConverter<ObservationBatch>
{
    private const byte Version = 1;

    public override ObservationBatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("an observation batch is a base64 string (compact batch, version 1)");
        }
        byte[] bytes;
        try
        {
            bytes = reader.GetBytesFromBase64();
        }
        catch (FormatException error)
        {
            throw new JsonException("an observation batch is not valid base64", error);
        }
        return Decode(bytes);
    }

    public override void Write(Utf8JsonWriter writer, ObservationBatch value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBase64StringValue(Encode(value));
    }

    /// <summary>The batch's bytes: version, header, the (asset, decimals) table, the balances, the failures.</summary>
    public static byte[] Encode(ObservationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var stream = new MemoryStream(64 + batch.Balances.Count * 64);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(batch.Chain.ToString());
            writer.Write(batch.Height);
            writer.Write(batch.BlockHash);
            writer.Write(batch.ReplacesBlockHash is not null);
            if (batch.ReplacesBlockHash is { } replaced)
            {
                writer.Write(replaced);
            }
            var table = new Dictionary<(AssetId, int), int>();
            foreach (var balance in batch.Balances)
            {
                table.TryAdd((balance.Asset, balance.Amount.Decimals), table.Count);
            }
            writer.Write7BitEncodedInt(table.Count);
            foreach (var ((asset, decimals), _) in table.OrderBy(t => t.Value))
            {
                writer.Write(asset.Symbol);
                writer.Write((byte)decimals);
            }
            writer.Write7BitEncodedInt(batch.Balances.Count);
            Span<byte> units = stackalloc byte[64];
            foreach (var balance in batch.Balances)
            {
                writer.Write(balance.Address);
                writer.Write7BitEncodedInt(table[(balance.Asset, balance.Amount.Decimals)]);
                if (!balance.Amount.BaseUnits.TryWriteBytes(units, out var length, isUnsigned: true, isBigEndian: false))
                {
                    throw new ArgumentException($"{balance.Address}'s balance of {balance.Asset} does not fit 64 bytes", nameof(batch));
                }
                writer.Write((byte)length);
                writer.Write(units[..length]);
            }
            writer.Write7BitEncodedInt(batch.Failures.Count);
            foreach (var failure in batch.Failures)
            {
                writer.Write(failure.Asset.Symbol);
                writer.Write(failure.Address is not null);
                if (failure.Address is { } address)
                {
                    writer.Write(address);
                }
                writer.Write(failure.Reason);
            }
        }
        return stream.ToArray();
    }

    /// <summary>The batch from its bytes.</summary>
    /// <exception cref="JsonException">Another version, a truncated body, bytes left over, or a value that is not valid.</exception>
    public static ObservationBatch Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        try
        {
            var version = reader.ReadByte();
            if (version != Version)
            {
                throw new JsonException($"compact batch version {version} is not supported (1 is)");
            }
            var chain = ChainId.Parse(reader.ReadString());
            var height = reader.ReadUInt64();
            var blockHash = reader.ReadString();
            var replaces = reader.ReadBoolean() ? reader.ReadString() : null;
            // Every entry takes at least two bytes: a count beyond the body is a lie, not an allocation.
            int Count(string what)
            {
                var count = reader.Read7BitEncodedInt();
                return count >= 0 && count <= (bytes.Length - reader.BaseStream.Position) / 2 + 1
                    ? count
                    : throw new JsonException($"the compact batch claims {count} {what}, more than its {bytes.Length} bytes hold");
            }
            var table = new (AssetId Asset, int Decimals)[Count("assets")];
            for (var i = 0; i < table.Length; i++)
            {
                table[i] = (new AssetId(reader.ReadString()), reader.ReadByte());
            }
            var balances = new BalanceObservation[Count("balances")];
            Span<byte> units = stackalloc byte[64];
            for (var i = 0; i < balances.Length; i++)
            {
                var address = reader.ReadString();
                var entry = reader.Read7BitEncodedInt();
                if ((uint)entry >= (uint)table.Length)
                {
                    throw new JsonException($"balance {i} of the compact batch names asset {entry} of {table.Length}");
                }
                var length = reader.ReadByte();
                if (length > units.Length || reader.Read(units[..length]) != length)
                {
                    throw new JsonException($"balance {i} of the compact batch is cut short");
                }
                var (asset, decimals) = table[entry];
                balances[i] = new BalanceObservation(address, asset, new Amount(new BigInteger(units[..length], isUnsigned: true, isBigEndian: false), decimals));
            }
            var failures = new ReadFailure[Count("failures")];
            for (var i = 0; i < failures.Length; i++)
            {
                var asset = new AssetId(reader.ReadString());
                var address = reader.ReadBoolean() ? reader.ReadString() : null;
                failures[i] = new ReadFailure(asset, address, reader.ReadString());
            }
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new JsonException($"the compact batch has {bytes.Length - reader.BaseStream.Position} bytes after its last failure");
            }
            return new ObservationBatch(chain, height, blockHash, balances, failures) { ReplacesBlockHash = replaces };
        }
        catch (EndOfStreamException error)
        {
            throw new JsonException("the compact batch is cut short", error);
        }
        catch (Exception error) when (error is FormatException or ArgumentException or DecoderFallbackException)
        {
            throw new JsonException($"the compact batch holds an invalid value: {error.Message}", error);
        }
    }
}
