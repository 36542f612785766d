using System.Numerics;
using System.Text.Json;
using Aggregator.Commitment;
using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;

namespace Aggregator.Proving;

/// <summary>
/// RESERVES.json: <c>{ "reserves": { "BTC": "12.5", ... } }</c>, whole units per asset symbol (other
/// properties, such as the evidence `aggregator reserves` records, are ignored here). Every asset of the
/// commitment needs an entry; a reserve of an asset the epoch does not commit to (a token the
/// institution holds but owes no one) cannot matter to solvency, so it is ignored and reported. Amounts round down to proof units, so rounding never invents reserves; a
/// reserve above 2^64 - 1 proof units is capped there (still above any committed total, which is below 2^64).
/// </summary>
internal static class ReservesFile
{
    public sealed record Reserve(string Symbol, Amount Amount, ulong ProofUnits);

    /// <summary>The reserves in the commitment's asset order, and the symbols present but not committed to.</summary>
    public sealed record Contents(IReadOnlyList<Reserve> Reserves, IReadOnlyList<string> Ignored);

    /// <exception cref="InputException">Missing file, malformed JSON, a missing, unknown or bad amount.</exception>
    public static Contents Read(string path, IReadOnlyList<CommitmentAsset> assets)
    {
        ArgumentNullException.ThrowIfNull(assets);
        if (!File.Exists(path))
        {
            throw new InputException("the reserves file does not exist", file: path);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException error)
        {
            throw new InputException($"malformed JSON: {error.Message}", file: path, line: error.LineNumber + 1);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("reserves", out var reserves) || reserves.ValueKind != JsonValueKind.Object)
            {
                throw new InputException("expected an object \"reserves\" mapping asset symbols to whole-unit amounts", file: path, field: "$.reserves");
            }
            var ignored = reserves.EnumerateObject().Select(p => p.Name).Where(name => !assets.Any(a => a.Id.Symbol == name)).ToArray();
            var cap = new BigInteger(ulong.MaxValue);
            var read = assets.Select(asset =>
            {
                var field = $"$.reserves.{asset.Id}";
                if (!reserves.TryGetProperty(asset.Id.Symbol, out var value))
                {
                    throw new InputException($"no reserve for {asset.Id}", file: path, field: field);
                }
                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Number => value.GetRawText(),
                    _ => throw new InputException("expected an amount in whole units", file: path, field: field),
                };
                Amount amount;
                try
                {
                    amount = Amount.Parse(text, asset.ProofDecimals, Rounding.Down);
                }
                catch (FormatException error)
                {
                    throw new InputException(error.Message, file: path, field: field);
                }
                return new Reserve(asset.Id.Symbol, amount, (ulong)BigInteger.Min(amount.BaseUnits, cap));
            }).ToArray();
            return new Contents(read, ignored);
        }
    }
}
