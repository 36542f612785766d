using System.Globalization;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Host.Bus;
using Aggregator.Margin.Markets;
using Aggregator.Messages;

namespace Aggregator.Composition.Configuration;

/// <summary>
/// A CSV of ledger entries for `aggregator ledger publish` (docs/messages.md): header
/// <c>entryId,account,kind,asset,amount,at</c>; <c>kind</c> one of borrow, repay, deposit, withdraw;
/// <c>amount</c> in whole units, exact in the asset's decimals (more digits are an error, never rounded);
/// <c>at</c> ISO 8601 with an offset. The whole file is checked before anything is published.
/// </summary>
public static class LedgerEntriesFile
{
    private static readonly string[] Header = ["entryId", "account", "kind", "asset", "amount", "at"];

    /// <exception cref="InputException">A bad row, naming the file, line and column.</exception>
    public static IReadOnlyList<LedgerEntry> Read(string path, MarketState market)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (!File.Exists(path))
        {
            throw new InputException("the ledger entries file does not exist", file: path);
        }
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].Split(',').Select(c => c.Trim()).SequenceEqual(Header))
        {
            throw new InputException($"the header must be {string.Join(',', Header)}", file: path, line: 1);
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
            if (cells.Length != Header.Length)
            {
                throw Bad(0, $"{cells.Length} fields, expected {Header.Length}");
            }
            if (cells[0].Length == 0 || !ids.Add(cells[0]))
            {
                throw Bad(0, cells[0].Length == 0 ? "the entry id is empty" : $"entry '{cells[0]}' appears twice");
            }
            if (!Enum.TryParse<LedgerEntryKind>(cells[2], ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(cells[2], out _))
            {
                throw Bad(2, $"'{cells[2]}' is not borrow, repay, deposit or withdraw");
            }
            if (!AssetId.IsValid(cells[3]) || !market.Contains(new AssetId(cells[3])))
            {
                throw Bad(3, $"'{cells[3]}' is not an asset of the market");
            }
            var asset = new AssetId(cells[3]);
            Amount amount;
            try
            {
                amount = Amount.Parse(cells[4], market[asset].Decimals, Rounding.Exact);
            }
            catch (FormatException error)
            {
                throw Bad(4, error.Message);
            }
            if (!DateTimeOffset.TryParse(cells[5], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) || !cells[5].Contains('T', StringComparison.Ordinal))
            {
                throw Bad(5, $"'{cells[5]}' is not an ISO 8601 time with an offset");
            }
            entries.Add(new LedgerEntry(cells[0], cells[1], kind, asset, amount, at));
        }
        return entries;
    }
}
