using Aggregator.Core.Errors;

namespace Aggregator.Cli.Commands;

/// <summary>Options of the form SYMBOL=VALUE,SYMBOL=VALUE (prices, haircuts, coverage ratios).</summary>
internal static class SymbolPairs
{
    /// <summary>"BTC=60000,ETH=3000" as symbol → text, in order; a pair without '=' or a symbol named twice is an error.</summary>
    public static Dictionary<string, string> Parse(string text, string field)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !pairs.TryAdd(parts[0], parts[1]))
            {
                throw new InputException($"'{pair}' is not SYMBOL=VALUE, or names an asset twice", field: field);
            }
        }
        return pairs;
    }
}
