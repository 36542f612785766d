using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;

namespace Aggregator.Proving;

/// <summary>
/// The public terms of a collateral attestation, in the circuit's units (docs/proofs.md, "Collateral
/// attestations"): per asset of the layout a price (one whole unit's value × 10^8) and a weight (10000
/// minus the haircut in basis points), the threshold (× 10^8), the subject and the scope.
/// </summary>
public sealed record CollateralTerms(IReadOnlyList<ulong> Prices, IReadOnlyList<uint> Weights, ulong Threshold, Fr Subject, Fr Scope)
{
    /// <summary>Prices and the threshold carry 8 decimals.</summary>
    public const int ValueDecimals = 8;

    /// <summary>A weight of 10000 basis points counts an asset in full.</summary>
    public const uint FullWeight = 10_000;

    /// <summary>
    /// Terms from text in whole units, rounded on the side that never overstates: each price down, each
    /// haircut up (its weight down), the threshold up. An asset of the layout without a price counts for
    /// nothing; one without a haircut counts in full.
    /// </summary>
    /// <exception cref="InputException">A symbol not of the layout, a malformed or negative number, a price or threshold of 2^64 or more (× 10^8), a haircut above 1.</exception>
    public static CollateralTerms Parse(
        IReadOnlyList<CommitmentAsset> assets, IReadOnlyDictionary<string, string> prices, IReadOnlyDictionary<string, string> haircuts,
        string threshold, string subject, Fr scope, string pricesField = "--prices", string haircutsField = "--haircuts", string thresholdField = "--threshold", string subjectField = "--subject")
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(haircuts);
        var symbols = assets.Select(a => a.Id.Symbol).ToList();
        var pricesOut = new ulong[assets.Count];
        var weights = Enumerable.Repeat(FullWeight, assets.Count).ToArray();
        foreach (var (symbol, text) in prices)
        {
            pricesOut[IndexOf(symbols, symbol, pricesField)] = Units(text, Rounding.Down, $"the price of {symbol}", pricesField);
        }
        foreach (var (symbol, text) in haircuts)
        {
            var index = IndexOf(symbols, symbol, haircutsField);
            var basisPoints = Parse(text, 4, Rounding.Up, $"the haircut of {symbol}", haircutsField);
            if (basisPoints > FullWeight)
            {
                throw new InputException($"the haircut of {symbol}, {text}, is above 1 (an asset cannot count for less than nothing)", field: haircutsField);
            }
            weights[index] = FullWeight - (uint)basisPoints;
        }
        return new CollateralTerms(pricesOut, weights, Units(threshold, Rounding.Up, "the threshold", thresholdField), ParseSubject(subject, subjectField), scope);
    }

    /// <summary>A subject: an EVM address (0x and 40 hex digits, read as a 160-bit integer) or a field element in decimal.</summary>
    /// <exception cref="InputException">Neither.</exception>
    public static Fr ParseSubject(string text, string field = "--subject")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (PublisherAddress.TryParse(text, out var address))
        {
            return address.ToField();
        }
        return text.All(char.IsAsciiDigit) && Fr.TryParse(text, out var value)
            ? value
            : throw new InputException($"'{text}' is neither an EVM address (0x and 40 hex digits) nor a field element in decimal", field: field);
    }

    /// <summary>A scope given as a field element in decimal.</summary>
    /// <exception cref="InputException">Not one.</exception>
    public static Fr ParseScope(string text, string field = "--scope")
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0 && text.All(char.IsAsciiDigit) && Fr.TryParse(text, out var value)
            ? value
            : throw new InputException($"'{text}' is not a field element in decimal (below the BN254 scalar field's modulus)", field: field);
    }

    /// <summary>The exact weighted value, Σ b[k]·prices[k]·weights[k]·10^(18 − p[k]): the circuit's left side.</summary>
    public BigInteger ValueOf(IReadOnlyList<ulong> balances, IReadOnlyList<CommitmentAsset> assets)
    {
        ArgumentNullException.ThrowIfNull(balances);
        ArgumentNullException.ThrowIfNull(assets);
        var sum = BigInteger.Zero;
        for (var k = 0; k < assets.Count; k++)
        {
            sum += (BigInteger)balances[k] * Prices[k] * Weights[k] * BigInteger.Pow(10, CollateralAttestations.MaxProofDecimals - assets[k].ProofDecimals);
        }
        return sum;
    }

    /// <summary>The circuit's right side: threshold · 10^4 · 10^18.</summary>
    public BigInteger Required => Threshold * ValueScale;

    /// <summary>What one unit of the threshold (10^-8 of the prices' unit) weighs on the circuit's left side.</summary>
    internal static readonly BigInteger ValueScale = FullWeight * BigInteger.Pow(10, CollateralAttestations.MaxProofDecimals);

    private static int IndexOf(List<string> symbols, string symbol, string field)
    {
        var index = symbols.IndexOf(symbol);
        return index >= 0 ? index : throw new InputException($"'{symbol}' is not an asset of the epoch ({string.Join(", ", symbols)})", field: field);
    }

    private static ulong Units(string text, Rounding rounding, string what, string field)
    {
        var units = Parse(text, ValueDecimals, rounding, what, field);
        return units <= ulong.MaxValue
            ? (ulong)units
            : throw new InputException($"{what}, {text}, is too large: at most {new Amount(ulong.MaxValue, ValueDecimals)} (2^64 − 1 units of 10^-8)", field: field);
    }

    private static BigInteger Parse(string text, int decimals, Rounding rounding, string what, string field)
    {
        try
        {
            return Amount.Parse(text, decimals, rounding).BaseUnits;
        }
        catch (FormatException)
        {
            throw new InputException($"{what}, '{text}', is not a non-negative decimal number", field: field);
        }
    }
}

/// <summary>
/// Issues collateral attestations (docs/proofs.md, "Collateral attestations"): a Groth16 proof of
/// collateral(D, K) that an account of a solvency-proven epoch reaches a public threshold at public
/// prices and haircuts, in a file that holds the public inputs, the proof and the epoch, and nothing
/// about the account.
/// </summary>
public sealed class CollateralAttestations(IProver prover)
{
    public const string Format = "aggregator-collateral-attestation/1";

    /// <summary>The most proof decimals an asset may have in an attested layout (the circuit's M).</summary>
    public const int MaxProofDecimals = 18;

    public static string CircuitName(int depth, int assets) =>
        string.Create(CultureInfo.InvariantCulture, $"collateral_{depth}_{assets}");

    /// <summary>An attestation, or the account's shortfall (nothing is proved then).</summary>
    /// <param name="Shortfall">Why the account does not reach the threshold, for the account's own eyes.</param>
    public sealed record Result(JsonObject? Document, string? Shortfall);

    /// <summary>
    /// Proves that <paramref name="accountId"/>'s committed balances reach <paramref name="terms"/>'s
    /// threshold, or says by how much they fall short.
    /// </summary>
    /// <exception cref="InputException">The account is not in the epoch, the epoch's solvency was never proven, or the terms do not fit the layout.</exception>
    public async Task<Result> AttestAsync(EpochManifest manifest, MerkleSumTree tree, string accountId, CollateralTerms terms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(terms);
        var assets = tree.Parameters.Assets;
        if (manifest.Reserves is null)
        {
            throw new InputException($"epoch {manifest.Epoch} has no solvency proof: an attestation stands on units the solvency proof covers", field: "--epoch");
        }
        if (terms.Prices.Count != assets.Count || terms.Weights.Count != assets.Count)
        {
            throw new InputException($"{terms.Prices.Count} prices and {terms.Weights.Count} weights for {assets.Count} assets", field: "--prices");
        }
        if (assets.FirstOrDefault(a => a.ProofDecimals > MaxProofDecimals) is { } wide)
        {
            throw new InputException($"{wide.Id} has {wide.ProofDecimals} proof decimals; an attestation allows at most {MaxProofDecimals}", field: "--epoch");
        }
        var index = tree.FindLeaf(accountId) ?? throw new InputException($"account '{accountId}' is not in this epoch", field: "--account");
        var value = terms.ValueOf(tree.Leaf(index).Balances, assets);
        if (value < terms.Required)
        {
            // The value in the threshold's unit, rounded down, as the circuit compares it.
            var reached = new Amount(value / CollateralTerms.ValueScale, CollateralTerms.ValueDecimals);
            return new Result(null, $"account '{accountId}' falls short: its collateral is worth {reached} at these prices and haircuts, below the threshold {new Amount(terms.Threshold, CollateralTerms.ValueDecimals)}");
        }
        var circuit = CircuitName(tree.Depth, assets.Count);
        var proof = await prover.ProveAsync(circuit, CircuitInputs.Collateral(tree, index, manifest.Binding(), terms.Prices, terms.Weights, terms.Threshold, terms.Subject, terms.Scope), cancellationToken).ConfigureAwait(false);
        var signals = proof.PublicSignals;
        return new Result(new JsonObject
        {
            ["format"] = Format,
            ["circuit"] = circuit,
            ["epoch"] = manifest.Epoch.ToString(CultureInfo.InvariantCulture),
            ["publisher"] = manifest.Publisher,
            ["depth"] = manifest.Depth,
            ["assets"] = new JsonArray([.. assets.Select(a => new JsonObject { ["symbol"] = a.Id.Symbol, ["proofDecimals"] = a.ProofDecimals })]),
            ["paramsHash"] = manifest.ParamsHash,
            ["commitment"] = manifest.Commitment,
            ["prices"] = Strings(terms.Prices.Select(p => p.ToString(CultureInfo.InvariantCulture))),
            ["weights"] = Strings(terms.Weights.Select(w => w.ToString(CultureInfo.InvariantCulture))),
            ["threshold"] = terms.Threshold.ToString(CultureInfo.InvariantCulture),
            ["subject"] = terms.Subject.ToString(),
            ["scope"] = terms.Scope.ToString(),
            ["nullifier"] = signals[^1],
            ["proof"] = proof.Proof,
            ["publicSignals"] = Strings(signals),
        }, null);
    }

    /// <summary>
    /// What a contract call takes for an attestation document: its 16 public signals, in the circuit's
    /// order, and the proof as the verifier's eight words (pA, pB with each pair in the EVM's order, pC).
    /// </summary>
    /// <exception cref="InputException">The document has no such signals or proof.</exception>
    public static (BigInteger[] Signals, BigInteger[] Proof) ContractArguments(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var signals = (document["publicSignals"] as JsonArray ?? throw new InputException("\"publicSignals\" is missing", field: "publicSignals"))
            .Select(s => BigInteger.TryParse(s?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw new InputException("a public signal is not a decimal integer", field: "publicSignals"))
            .ToArray();
        var proof = document["proof"]?.ToJsonString() ?? throw new InputException("\"proof\" is missing", field: "proof");
        return (signals, SnarkjsJson.ReadProof(proof).ToEvmWords());
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => JsonValue.Create(v))]);
}
