using System.Numerics;
using System.Text.Json;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Observations;
using Aggregator.Messages;

namespace Aggregator.Host.Bus.Wire;

/// <summary>
/// The wire form of <see cref="CollateralObserved.Batch"/>: one base64 string holding a compact binary
/// batch (docs/messages.md, "Compact lists on the wire") instead of a JSON object per balance.
/// A batch of 1,000 balances is one string to encode, not 4,000 JSON properties, which is what made
/// serialization the bus's cost. Everything read is checked; a malformed body is a
/// <see cref="JsonException"/> naming what is wrong, so the message goes to the error queue with it.
/// </summary>
internal sealed class CompactBatchJsonConverter() : CompactJsonConverter<ObservationBatch>("an observation batch", Encode, Decode)
{
    /// <summary>The batch's bytes: version, header, the (asset, decimals) table, the balances, the failures.</summary>
    public static byte[] Encode(ObservationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return CompactWire.Write(64 + batch.Balances.Count * 64, writer =>
        {
            writer.Write(batch.Chain.ToString());
            writer.Write(batch.Height);
            writer.Write(batch.BlockHash);
            CompactWire.WriteOptional(writer, batch.ReplacesBlockHash);
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
                CompactWire.WriteOptional(writer, failure.Address);
                writer.Write(failure.Reason);
            }
        });
    }

    /// <summary>The batch from its bytes.</summary>
    /// <exception cref="JsonException">Another version, a truncated body, bytes left over, or a value that is not valid.</exception>
    public static ObservationBatch Decode(byte[] bytes) => CompactWire.Read(bytes, "compact batch", reader =>
    {
        var chain = ChainId.Parse(reader.ReadString());
        var height = reader.ReadUInt64();
        var blockHash = reader.ReadString();
        var replaces = CompactWire.ReadOptional(reader);
        var table = new (AssetId Asset, int Decimals)[CompactWire.Count(reader, "assets")];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (new AssetId(reader.ReadString()), reader.ReadByte());
        }
        var balances = new BalanceObservation[CompactWire.Count(reader, "balances")];
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
        var failures = new ReadFailure[CompactWire.Count(reader, "failures")];
        for (var i = 0; i < failures.Length; i++)
        {
            var asset = new AssetId(reader.ReadString());
            var address = CompactWire.ReadOptional(reader);
            failures[i] = new ReadFailure(asset, address, reader.ReadString());
        }
        return new ObservationBatch(chain, height, blockHash, balances, failures) { ReplacesBlockHash = replaces };
    });
}
