using System.Globalization;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Host.Bus;
using Aggregator.Margin.Markets;
using Aggregator.Messages;

namespace Aggregator.Composition.Configuration;

/// <summary>
/// A CSV of ledger entries for `aggregator ledger publish` (docs/messages.md): header
/// <c>entryId,account,kind,asset,amount,at</c>, optionally followed by <c>seizedChain,seizedAsset,seizedAmount</c>
/// and then <c>entryPrice</c>; <c>kind</c> one of borrow, repay, deposit, withdraw, liquidation (the only kind
/// that fills the seized columns, and must), deskspot, deskperp (the desk's whole position; a negative perp is
/// short), perp (an account's whole perp on the asset; negative is short, zero closes it; the only kind that
/// fills <c>entryPrice</c>, and must unless it closes);
/// <c>amount</c> in whole units, exact in the asset's decimals (more digits are an
/// error, never rounded); <c>at</c> ISO 8601 with an offset. The whole file is checked before anything is published.
/// </summary>
public static class LedgerEntriesFile
{
    private static readonly string[] Header = ["entryId", "account", "kind", "asset", "amount", "at", "seizedChain", "seizedAsset", "seizedAmount", "entryPrice"];

    // Without the seized columns, a file of the first six; with them and without the entry price, of nine.
    private const int Plain = 6;
    private const int WithSeized = 9;

    private static readonly LedgerEntryKind[] Published = [LedgerEntryKind.Borrow, LedgerEntryKind.Repay, LedgerEntryKind.Deposit, LedgerEntryKind.Withdraw, LedgerEntryKind.Liquidation, LedgerEntryKind.DeskSpot, LedgerEntryKind.DeskPerp, LedgerEntryKind.Perp];

    /// <exception cref="InputException">A bad row, naming the file, line and column.</exception>
    public static IReadOnlyList<LedgerEntry> Read(string path, MarketState market)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (!File.Exists(path))
        {
            throw new InputException("the ledger entries file does not exist", file: path);
        }
        var lines = File.ReadAllLines(path);
        var columns = lines.Length == 0 ? [] : lines[0].Split(',').Select(c => c.Trim()).ToArray();
        if (!columns.SequenceEqual(Header) && !columns.SequenceEqual(Header.Take(Plain)) && !columns.SequenceEqual(Header.Take(WithSeized)))
        {
            throw new InputException($"the header must be {string.Join(',', Header.Take(Plain))}, optionally followed by {string.Join(',', Header[Plain..WithSeized])} and then {Header[WithSeized]}", file: path, line: 1);
        }
        var entries = new List<LedgerEntry>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            var cells = lines[i].Split(',');
            InputException Bad(int column, string problem) => new(problem, file: path, line: i + 1, field: $"column {column + 1} ({Header[Math.Min(column, Header.Length - 1)]})");
            if (cells.Length != columns.Length)
            {
                throw Bad(0, $"{cells.Length} fields, expected {columns.Length}");
            }
            if (cells[0].Length == 0 || !ids.Add(cells[0]))
            {
                throw Bad(0, cells[0].Length == 0 ? "the entry id is empty" : $"entry '{cells[0]}' appears twice");
            }
            if (!Enum.TryParse<LedgerEntryKind>(cells[2], ignoreCase: true, out var kind) || !Published.Contains(kind) || int.TryParse(cells[2], out _))
            {
                throw Bad(2, $"'{cells[2]}' is not borrow, repay, deposit, withdraw, liquidation, deskspot, deskperp or perp");
            }
            if (!AssetId.IsValid(cells[3]) || !market.Contains(new AssetId(cells[3])))
            {
                throw Bad(3, $"'{cells[3]}' is not an asset of the market");
            }
            var asset = new AssetId(cells[3]);
            Amount amount;
            // A perp position is the one signed amount: "-30" is short 30.
            var isShort = kind is LedgerEntryKind.DeskPerp or LedgerEntryKind.Perp && cells[4].StartsWith('-');
            try
            {
                amount = Amount.Parse(isShort ? cells[4][1..] : cells[4], market[asset].Decimals, Rounding.Exact);
            }
            catch (FormatException error)
            {
                throw Bad(4, error.Message);
            }
            if (!DateTimeOffset.TryParse(cells[5], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) || !cells[5].Contains('T', StringComparison.Ordinal))
            {
                throw Bad(5, $"'{cells[5]}' is not an ISO 8601 time with an offset");
            }
            SeizedCollateral? seized = null;
            var seizedCells = cells.Skip(Plain).Take(WithSeized - Plain).ToArray();
            if (kind != LedgerEntryKind.Liquidation)
            {
                if (seizedCells.Any(c => c.Length > 0))
                {
                    throw Bad(Plain, $"a {cells[2]} seizes nothing: the seized columns are for a liquidation only");
                }
            }
            else if (seizedCells.Length == 0 || seizedCells.Any(c => c.Length == 0))
            {
                throw Bad(Plain, "a liquidation names what it seized: seizedChain, seizedAsset and seizedAmount");
            }
            else
            {
                if (!RunConfigFile.TryChain(seizedCells[0], out var chain))
                {
                    throw Bad(Plain, $"'{seizedCells[0]}' is not a chain id (eip155:1, solana:mainnet)");
                }
                if (!AssetId.IsValid(seizedCells[1]) || !market.Contains(new AssetId(seizedCells[1])))
                {
                    throw Bad(Plain + 1, $"'{seizedCells[1]}' is not an asset of the market");
                }
                var seizedAsset = new AssetId(seizedCells[1]);
                try
                {
                    seized = new SeizedCollateral(chain, seizedAsset, Amount.Parse(seizedCells[2], market[seizedAsset].Decimals, Rounding.Exact));
                }
                catch (FormatException error)
                {
                    throw Bad(Plain + 2, error.Message);
                }
            }
            var priceCell = cells.Length > WithSeized ? cells[WithSeized] : "";
            decimal entryPrice = 0;
            if (kind != LedgerEntryKind.Perp || amount.BaseUnits.IsZero)
            {
                if (priceCell.Length > 0)
                {
                    throw Bad(WithSeized, $"a {cells[2]}{(kind == LedgerEntryKind.Perp ? " that closes" : "")} has no entry price: the column is for an open perp only");
                }
            }
            else if (!decimal.TryParse(priceCell, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out entryPrice) || entryPrice <= 0)
            {
                throw Bad(WithSeized, $"'{priceCell}' is not a positive entry price: a perp names the price it was opened at");
            }
            entries.Add(new LedgerEntry(cells[0], cells[1], kind, asset, amount, at) { Seized = seized, IsShort = isShort, EntryPrice = entryPrice });
        }
        return entries;
    }
}
