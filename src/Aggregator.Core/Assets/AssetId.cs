namespace Aggregator.Core.Assets;

/// <summary>
/// An asset's symbol as the deployment names it ("BTC", "USDC", "stETH"): 1 to 16 ASCII letters, digits,
/// '.', '-' or '_', starting with a letter or digit ("1INCH"). Compared exactly (case-sensitive).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Aggregator.Core.Json.AssetIdJsonConverter))]
public readonly record struct AssetId
{
    /// <summary>The longest symbol accepted.</summary>
    public const int MaxLength = 16;

    /// <summary>Creates an asset id, validating the symbol.</summary>
    /// <exception cref="FormatException">The symbol is not a valid asset symbol.</exception>
    public AssetId(string symbol)
    {
        if (!IsValid(symbol))
        {
            throw new FormatException($"'{symbol}' is not an asset symbol (1..{MaxLength} letters, digits, '.', '-', '_', starting with a letter or digit)");
        }
        Symbol = symbol;
    }

    /// <summary>The symbol.</summary>
    public string Symbol { get; }

    /// <summary>Whether <paramref name="symbol"/> would make a valid asset id.</summary>
    public static bool IsValid(string? symbol) =>
        !string.IsNullOrEmpty(symbol) && symbol.Length <= MaxLength && char.IsAsciiLetterOrDigit(symbol[0])
        && symbol.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <inheritdoc />
    public override string ToString() => Symbol ?? "";
}
