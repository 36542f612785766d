using System.Globalization;
using System.Text.Json;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;

namespace Aggregator.Margin.Hedging;

/// <summary>
/// EXPOSURE.json (docs/margin.md, "Hedging"): { "assets": [{ "symbol", "decimals", "price", "owed", "held",
/// "lent"?, "deskSpot"?, "deskPerp"?, "band": { "min", "max" }, "instrument": "perp" | "spot", "costBasisPoints" }] },
/// numbers as JSON numbers or strings, read exactly. Errors name the file and the JSON path.
/// </summary>
public static class ExposureFile
{
    /// <exception cref="InputException">A missing or malformed file or field.</exception>
    public static IReadOnlyList<AssetExposure> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException("the exposure file does not exist", file: path);
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var assets = document.RootElement.GetProperty("assets");
            var exposures = new List<AssetExposure>();
            var index = 0;
            foreach (var asset in assets.EnumerateArray())
            {
                var at = $"$.assets[{index++}]";
                decimal Number(JsonElement parent, string name, bool required = true)
                {
                    if (!parent.TryGetProperty(name, out var value))
                    {
                        return required ? throw new InputException($"{at}.{name} is missing", file: path) : 0m;
                    }
                    var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                    return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                        ? number
                        : throw new InputException($"{at}.{name}: '{text}' is not a decimal number", file: path);
                }
                var symbol = asset.GetProperty("symbol").GetString() ?? "";
                if (!AssetId.IsValid(symbol))
                {
                    throw new InputException($"{at}.symbol: '{symbol}' is not an asset symbol", file: path);
                }
                var instrument = asset.TryGetProperty("instrument", out var i) ? i.GetString() : "perp";
                var band = asset.GetProperty("band");
                exposures.Add(new AssetExposure(
                    new AssetId(symbol), asset.GetProperty("decimals").GetInt32(), Number(asset, "price"), Number(asset, "owed"), Number(asset, "held"),
                    Number(asset, "deskSpot", required: false), Number(asset, "deskPerp", required: false), Number(band, "min"), Number(band, "max"),
                    instrument switch
                    {
                        "perp" => HedgeInstrument.Perp,
                        "spot" => HedgeInstrument.Spot,
                        _ => throw new InputException($"{at}.instrument: '{instrument}' is not perp or spot", file: path),
                    },
                    Number(asset, "costBasisPoints"))
                {
                    Lent = Number(asset, "lent", required: false),
                });
            }
            return exposures;
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"not an exposure file: {error.Message}", file: path);
        }
    }
}
