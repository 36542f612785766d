using System.Numerics;
using System.Text.Json;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Messages;

namespace Aggregator.Host.Bus.Wire;

/// <summary>
/// The wire form of <see cref="LiquidationsPlanned.Plans"/>: one base64 string (docs/messages.md,
/// "Compact lists on the wire"), so that a tick's thousands of plans reach liquidators without
/// thousands of JSON objects to write and read.
/// </summary>
internal sealed class CompactPlansJsonConverter() : CompactJsonConverter<IReadOnlyList<LiquidationPlanned>>("a list of liquidation plans", Encode, Decode)
{
    /// <summary>Version, then per plan every field in record order, optional ones behind a 0/1 byte.</summary>
    public static byte[] Encode(IReadOnlyList<LiquidationPlanned> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        return CompactWire.Write(16 + plans.Count * 96, writer =>
        {
            writer.Write7BitEncodedInt(plans.Count);
            foreach (var plan in plans)
            {
                writer.Write(plan.Account);
                CompactWire.WriteOptional(writer, plan.Pool);
                writer.Write(plan.Status);
                CompactWire.WriteOptional(writer, plan.HealthFactor);
                writer.Write(plan.CloseFactor);
                CompactWire.WriteOptional(writer, plan.DebtAsset?.Symbol);
                WriteAmount(writer, plan.DebtToCover);
                CompactWire.WriteOptional(writer, plan.CollateralChain?.ToString());
                CompactWire.WriteOptional(writer, plan.CollateralAsset?.Symbol);
                WriteAmount(writer, plan.CollateralToSeize);
                writer.Write7BitEncodedInt(plan.PerpsToClose.Count);
                foreach (var perp in plan.PerpsToClose)
                {
                    writer.Write(perp);
                }
                CompactWire.WriteTime(writer, plan.At);
            }
        });
    }

    /// <summary>The plans from their bytes.</summary>
    /// <exception cref="JsonException">Another version, a truncated body, bytes left over, or a value that is not valid.</exception>
    public static IReadOnlyList<LiquidationPlanned> Decode(byte[] bytes) => CompactWire.Read(bytes, "compact liquidation plans", reader =>
    {
        var plans = new LiquidationPlanned[CompactWire.Count(reader, "plans")];
        for (var i = 0; i < plans.Length; i++)
        {
            var account = reader.ReadString();
            var pool = CompactWire.ReadOptional(reader);
            var status = reader.ReadString();
            var factor = CompactWire.ReadOptionalDecimal(reader);
            var closeFactor = reader.ReadDecimal();
            var debtAsset = CompactWire.ReadOptional(reader) is { } debt ? new AssetId(debt) : (AssetId?)null;
            var debtToCover = ReadAmount(reader);
            var chain = CompactWire.ReadOptional(reader) is { } caip2 ? ChainId.Parse(caip2) : (ChainId?)null;
            var collateralAsset = CompactWire.ReadOptional(reader) is { } collateral ? new AssetId(collateral) : (AssetId?)null;
            var toSeize = ReadAmount(reader);
            var perps = new string[CompactWire.Count(reader, "perps")];
            for (var p = 0; p < perps.Length; p++)
            {
                perps[p] = reader.ReadString();
            }
            plans[i] = new LiquidationPlanned(account, pool, status, factor, closeFactor, debtAsset, debtToCover, chain, collateralAsset, toSeize, perps, CompactWire.ReadTime(reader));
        }
        return plans;
    });

    // An amount: present (0/1), then its decimals (one byte) and base units (one byte n, n bytes unsigned little-endian).
    private static void WriteAmount(BinaryWriter writer, Amount? amount)
    {
        writer.Write(amount.HasValue);
        if (amount is { } value)
        {
            var units = value.BaseUnits.ToByteArray(isUnsigned: true, isBigEndian: false);
            writer.Write((byte)value.Decimals);
            writer.Write((byte)units.Length);
            writer.Write(units);
        }
    }

    private static Amount? ReadAmount(BinaryReader reader)
    {
        if (!reader.ReadBoolean())
        {
            return null;
        }
        var decimals = reader.ReadByte();
        var length = reader.ReadByte();
        var units = reader.ReadBytes(length);
        if (units.Length != length)
        {
            throw new EndOfStreamException("an amount is cut short");
        }
        return new Amount(new BigInteger(units, isUnsigned: true, isBigEndian: false), decimals);
    }
}
