using System.Numerics;
using System.Text;
using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;

namespace Aggregator.Commitment;

/// <summary>
/// Reads a liabilities ledger: header <c>account,&lt;SYMBOL&gt;,...</c> (asset columns in any order, exactly
/// the commitment's assets), one row per account, amounts in whole units, an empty cell meaning 0.
/// Amounts round up to proof units. Fields may be quoted as in RFC 4180. Any bad row fails the whole read.
/// </summary>
public static class LedgerCsv
{
    public const string AccountColumn = "account";

    /// <exception cref="InputException">A bad header or row, naming file, line and column.</exception>
    public static IReadOnlyList<LiabilityRow> Read(string path, CommitmentParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!File.Exists(path))
        {
            throw new InputException("the ledger file does not exist", file: path);
        }
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, parameters);
    }

    /// <summary>Reads from any text reader; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<LiabilityRow> Read(TextReader reader, string source, CommitmentParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(parameters);
        var header = reader.ReadLine() ?? throw new InputException("the ledger is empty; expected a header such as account,BTC,ETH", file: source, line: 1);
        var columns = SplitFields(header, source, 1);
        var assetOfColumn = MapHeader(columns, source, parameters);

        var rows = new List<LiabilityRow>();
        var firstLineOf = new Dictionary<string, long>(StringComparer.Ordinal);
        var maxProofUnits = new BigInteger(ulong.MaxValue);
        long lineNumber = 1;
        for (var line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            var fields = SplitFields(line, source, lineNumber);
            if (fields.Count != columns.Count)
            {
                throw new InputException($"the row has {fields.Count} fields but the header has {columns.Count}", file: source, line: lineNumber);
            }
            var accountId = fields[0];
            if (string.IsNullOrWhiteSpace(accountId))
            {
                throw new InputException("the account id is missing", file: source, line: lineNumber, field: "column 1 (account)");
            }
            if (!firstLineOf.TryAdd(accountId, lineNumber))
            {
                throw new InputException($"account '{accountId}' already appears on line {firstLineOf[accountId]}", file: source, line: lineNumber, field: "column 1 (account)");
            }
            var balances = new ulong[parameters.AssetCount];
            for (var c = 1; c < fields.Count; c++)
            {
                var asset = parameters.Assets[assetOfColumn[c]];
                var cell = fields[c];
                if (cell.Length == 0)
                {
                    continue;
                }
                var where = $"column {c + 1} ({asset.Id})";
                BigInteger units;
                try
                {
                    units = Amount.Parse(cell, asset.ProofDecimals, Rounding.Up).BaseUnits;
                }
                catch (FormatException error)
                {
                    throw new InputException(error.Message, file: source, line: lineNumber, field: where);
                }
                if (units > maxProofUnits)
                {
                    throw new InputException(
                        $"'{cell}' is {units} proof units of {asset.Id} at {asset.ProofDecimals} decimals; the most a leaf can hold is 2^64 - 1",
                        file: source, line: lineNumber, field: where);
                }
                balances[assetOfColumn[c]] = (ulong)units;
            }
            rows.Add(new LiabilityRow(accountId, balances));
        }
        if (rows.Count == 0)
        {
            throw new InputException("the ledger has a header but no account rows", file: source);
        }
        return rows;
    }

    // assetOfColumn[c] = index in parameters.Assets of column c (column 0 is the account id).
    private static int[] MapHeader(List<string> columns, string source, CommitmentParameters parameters)
    {
        if (columns[0] != AccountColumn)
        {
            throw new InputException($"the first column must be '{AccountColumn}', not '{columns[0]}'", file: source, line: 1, field: "column 1");
        }
        var assetOfColumn = new int[columns.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 1; c < columns.Count; c++)
        {
            var index = parameters.Assets.ToList().FindIndex(a => a.Id.Symbol == columns[c]);
            if (index < 0)
            {
                throw new InputException(
                    $"column '{columns[c]}' is not one of the assets ({string.Join(", ", parameters.Assets.Select(a => a.Id))})",
                    file: source, line: 1, field: $"column {c + 1}");
            }
            if (!seen.Add(columns[c]))
            {
                throw new InputException($"column '{columns[c]}' appears twice", file: source, line: 1, field: $"column {c + 1}");
            }
            assetOfColumn[c] = index;
        }
        var missing = parameters.Assets.Where(a => !seen.Contains(a.Id.Symbol)).Select(a => a.Id.Symbol).ToList();
        if (missing.Count > 0)
        {
            throw new InputException($"no column for asset(s) {string.Join(", ", missing)}", file: source, line: 1);
        }
        return assetOfColumn;
    }

    // RFC 4180 fields on one line: commas separate, double quotes enclose, "" is a literal quote.
    private static List<string> SplitFields(string line, string source, long lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new InputException("a quoted field is not closed (fields cannot span lines)", file: source, line: lineNumber, field: $"column {fields.Count + 1}");
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                if (i < line.Length && line[i] != ',')
                {
                    throw new InputException("text follows a closing quote", file: source, line: lineNumber, field: $"column {fields.Count + 1}");
                }
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                var text = line[i..end];
                if (text.Contains('"', StringComparison.Ordinal))
                {
                    throw new InputException("a quote inside an unquoted field", file: source, line: lineNumber, field: $"column {fields.Count + 1}");
                }
                field.Append(text);
                i = end;
            }
            fields.Add(field.ToString());
            if (i >= line.Length)
            {
                return fields;
            }
            i++; // the comma
        }
    }
}
