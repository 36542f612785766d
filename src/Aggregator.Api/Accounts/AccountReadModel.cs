using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Aggregator.Api.Serving;
using Aggregator.Core.Amounts;
using Aggregator.Messages;

namespace Aggregator.Api.Accounts;

/// <summary>
/// What the api shows of accounts and markets, kept from the engines' <see cref="AccountViewsChanged"/>:
/// per account its last view, already written as the JSON an answer sends (an answer then costs a
/// lookup and a copy), and per engine partition the blocks it has applied since. A view older than the
/// one kept (by the partition's write sequence) is passed over, whatever order views arrive in.
/// </summary>
internal sealed class AccountReadModel
{
    private readonly ConcurrentDictionary<string, Entry> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Partition> _partitions = new();
    private volatile Market? _market;

    /// <summary>How many accounts are known.</summary>
    public int Count => _accounts.Count;

    /// <summary>The partitions heard from, and how many there are (0 before the first view).</summary>
    public (int Heard, int Expected) Partitions => (_partitions.Count, _partitions.Values.Select(p => p.Count).DefaultIfEmpty(0).Max());

    /// <summary>Takes a message of views.</summary>
    public void Apply(AccountViewsChanged views)
    {
        ArgumentNullException.ThrowIfNull(views);
        var heights = Json(writer => WriteHeights(writer, views.Heights));
        _partitions.AddOrUpdate(views.Partition, _ => new Partition(views.Sequence, views.PartitionCount, heights),
            (_, known) => views.Sequence >= known.Sequence ? new Partition(views.Sequence, views.PartitionCount, heights) : known);
        var market = _market;
        if (market is null || views.At >= market.At)
        {
            _market = new Market(views.At, Json(writer => WriteMarket(writer, views.Prices, views.At)));
        }
        foreach (var view in views.Accounts)
        {
            var entry = new Entry(views.Partition, views.Sequence, Json(writer => WriteView(writer, view, views)));
            _accounts.AddOrUpdate(view.Account, entry, (_, known) => entry.Sequence >= known.Sequence || entry.Partition != known.Partition ? entry : known);
        }
    }

    /// <summary>The account's answer (its view, closed with its partition's applied blocks now), or null when the account is not known.</summary>
    public AccountAnswer? Find(string account) =>
        _accounts.TryGetValue(account, out var entry) && _partitions.TryGetValue(entry.Partition, out var partition)
            ? new AccountAnswer(entry.Json, partition.Heights)
            : null;

    /// <summary>The market as last seen (prices, their sources and statuses), or null before any view.</summary>
    public byte[]? MarketJson => _market?.Json;

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteHeights(Utf8JsonWriter writer, IReadOnlyList<AppliedBlock> heights)
    {
        writer.WriteStartArray();
        foreach (var block in heights)
        {
            writer.WriteStartObject();
            writer.WriteString("chain", block.Chain.ToString());
            writer.WriteNumber("height", block.Height);
            writer.WriteString("blockHash", block.BlockHash);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteMarket(Utf8JsonWriter writer, IReadOnlyList<AssetQuote> prices, DateTimeOffset at)
    {
        writer.WriteStartObject();
        writer.WriteString("asOf", at);
        writer.WriteStartArray("assets");
        foreach (var quote in prices)
        {
            writer.WriteStartObject();
            writer.WriteString("asset", quote.Asset.Symbol);
            writer.WriteString("price", JsonDecimals.Text(quote.Price));
            writer.WriteString("status", quote.Status);
            writer.WriteStartArray("sources");
            foreach (var source in quote.Sources)
            {
                writer.WriteStartObject();
                writer.WriteString("source", source.Source);
                writer.WriteString("price", JsonDecimals.Text(source.Price));
                writer.WriteString("at", source.At);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    // The view, written without its closing brace (TryWrite appends the partition's blocks and closes it).
    private static void WriteView(Utf8JsonWriter writer, AccountView view, AccountViewsChanged views)
    {
        writer.WriteStartObject();
        writer.WriteString("account", view.Account);
        writer.WriteString("status", view.Status);
        JsonDecimals.Write(writer, "healthFactor", view.HealthFactor);
        writer.WriteString("collateralValue", JsonDecimals.Text(view.CollateralValue));
        writer.WriteString("debtValue", JsonDecimals.Text(view.DebtValue));
        writer.WriteString("borrowingPower", JsonDecimals.Text(view.BorrowingPower));
        writer.WriteStartArray("collateral");
        foreach (var position in view.Collateral)
        {
            writer.WriteStartObject();
            writer.WriteString("chain", position.Chain.ToString());
            writer.WriteString("asset", position.Asset.Symbol);
            WriteAmount(writer, position.Amount);
            var block = views.Heights.FirstOrDefault(h => h.Chain == position.Chain);
            if (block is not null)
            {
                writer.WriteNumber("height", block.Height);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("debts");
        foreach (var debt in view.Debts)
        {
            writer.WriteStartObject();
            writer.WriteString("asset", debt.Asset.Symbol);
            WriteAmount(writer, debt.Amount);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("perps");
        foreach (var perp in view.Perps)
        {
            writer.WriteStartObject();
            writer.WriteString("market", perp.Market);
            writer.WriteString("size", JsonDecimals.Text(perp.Size));
            writer.WriteString("entryPrice", JsonDecimals.Text(perp.EntryPrice));
            writer.WriteString("markPrice", JsonDecimals.Text(perp.MarkPrice));
            writer.WriteString("unrealizedPnl", JsonDecimals.Text(perp.UnrealizedPnl));
            writer.WriteString("maintenanceMargin", JsonDecimals.Text(perp.MaintenanceMargin));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (view.Liquidation is { } plan)
        {
            writer.WriteStartObject("liquidation");
            writer.WriteString("closeFactor", JsonDecimals.Text(plan.CloseFactor));
            if (plan.DebtAsset is { } debtAsset && plan.DebtToCover is { } debtToCover)
            {
                writer.WriteString("debtAsset", debtAsset.Symbol);
                writer.WriteString("debtToCover", debtToCover.ToString());
            }
            if (plan.CollateralChain is { } chain && plan.CollateralAsset is { } collateralAsset && plan.CollateralToSeize is { } seize)
            {
                writer.WriteString("collateralChain", chain.ToString());
                writer.WriteString("collateralAsset", collateralAsset.Symbol);
                writer.WriteString("collateralToSeize", seize.ToString());
            }
            writer.WriteStartArray("perpsToClose");
            foreach (var perp in plan.PerpsToClose)
            {
                writer.WriteStringValue(perp);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("liquidation");
        }
        // What the figures reflect: when the engine evaluated them, at which prices (each with its
        // latest source time), and the blocks applied then.
        writer.WriteString("evaluatedAt", views.At);
        writer.WriteStartArray("prices");
        foreach (var quote in views.Prices)
        {
            writer.WriteStartObject();
            writer.WriteString("asset", quote.Asset.Symbol);
            writer.WriteString("price", JsonDecimals.Text(quote.Price));
            writer.WriteString("status", quote.Status);
            if (quote.Sources.Count > 0)
            {
                writer.WriteString("quotedAt", quote.Sources.Max(s => s.At));
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WritePropertyName("evaluatedHeights");
        WriteHeights(writer, views.Heights);
        writer.Flush();
        // Leaves the object open: the writer would close it on WriteEndObject.
    }

    private static void WriteAmount(Utf8JsonWriter writer, Amount amount)
    {
        writer.WriteString("baseUnits", amount.BaseUnits.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("amount", amount.ToString());
        writer.WriteNumber("decimals", amount.Decimals);
    }

    private sealed record Entry(int Partition, ulong Sequence, byte[] Json);

    /// <summary>An account's answer in its two parts: the view, an object left open, and the partition's blocks, which close it.</summary>
    internal sealed class AccountAnswer(byte[] view, byte[] engineHeights) : Microsoft.AspNetCore.Http.IResult
    {
        public async Task ExecuteAsync(Microsoft.AspNetCore.Http.HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var response = httpContext.Response;
            response.ContentType = "application/json";
            response.ContentLength = view.Length + EngineHeights.Length + engineHeights.Length + 1;
            var body = response.BodyWriter;
            body.Write(view);
            body.Write(EngineHeights);
            body.Write(engineHeights);
            body.Write("}"u8);
            await body.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
        }

        private static ReadOnlySpan<byte> EngineHeights => ",\"engineHeights\":"u8;
    }

    private sealed record Partition(ulong Sequence, int Count, byte[] Heights);

    private sealed record Market(DateTimeOffset At, byte[] Json);
}
