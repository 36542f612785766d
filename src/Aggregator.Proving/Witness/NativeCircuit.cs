using System.Globalization;
using System.Text.RegularExpressions;
using Aggregator.Crypto.Field;

namespace Aggregator.Proving.Witness;

/// <summary>
/// A circuit of circuits/main whose witness the native templates compute: inclusion_D_K, solvency_K and collateral_D_K,
/// read from the circuit's name. Its input signals (name and number of values, in declaration order) and
/// the template that computes every signal from them.
/// </summary>
internal sealed partial class NativeCircuit
{
    private readonly Action<WitnessTrace, Func<string, Fr[]>> _run;

    private NativeCircuit((string Signal, int Size)[] inputs, Action<WitnessTrace, Func<string, Fr[]>> run)
    {
        Inputs = inputs;
        _run = run;
    }

    public IReadOnlyList<(string Signal, int Size)> Inputs { get; }

    /// <summary>The template for <paramref name="circuit"/>, or null when there is none.</summary>
    public static NativeCircuit? For(string circuit)
    {
        if (InclusionName().Match(circuit) is { Success: true } inclusion)
        {
            var depth = int.Parse(inclusion.Groups[1].Value, CultureInfo.InvariantCulture);
            var assets = int.Parse(inclusion.Groups[2].Value, CultureInfo.InvariantCulture);
            return new NativeCircuit(
                [("leafHash", 1), ("commitment", 1), ("paramsHash", 1), ("epoch", 1), ("publisher", 1), ("idHash", 1),
                 ("balances", assets), ("siblingHashes", depth), ("siblingSums", depth * assets), ("siblingIsLeft", depth)],
                (t, input) => CircuitTemplates.Inclusion(t, depth, assets, new InclusionInputs(
                    input("leafHash")[0], input("commitment")[0], input("paramsHash")[0], input("epoch")[0], input("publisher")[0],
                    input("idHash")[0], input("balances"), Path(input))));
        }
        if (CollateralName().Match(circuit) is { Success: true } collateral)
        {
            var depth = int.Parse(collateral.Groups[1].Value, CultureInfo.InvariantCulture);
            var assets = int.Parse(collateral.Groups[2].Value, CultureInfo.InvariantCulture);
            return new NativeCircuit(
                [("commitment", 1), ("paramsHash", 1), ("epoch", 1), ("publisher", 1), ("prices", assets), ("weights", assets), ("threshold", 1),
                 ("subject", 1), ("scope", 1), ("nullifier", 1), ("idHash", 1), ("balances", assets), ("siblingHashes", depth),
                 ("siblingSums", depth * assets), ("siblingIsLeft", depth), ("assetCodes", assets), ("proofDecimals", assets)],
                (t, input) => CircuitTemplates.Collateral(t, depth, assets, new CollateralInputs(
                    input("commitment")[0], input("paramsHash")[0], input("epoch")[0], input("publisher")[0], input("prices"), input("weights"),
                    input("threshold")[0], input("subject")[0], input("scope")[0], input("nullifier")[0], input("idHash")[0], input("balances"),
                    Path(input), input("assetCodes"), input("proofDecimals"))));
        }
        if (SolvencyName().Match(circuit) is { Success: true } solvency)
        {
            var assets = int.Parse(solvency.Groups[1].Value, CultureInfo.InvariantCulture);
            return new NativeCircuit(
                [("commitment", 1), ("paramsHash", 1), ("epoch", 1), ("publisher", 1), ("reserves", assets), ("ratios", assets),
                 ("leftHash", 1), ("leftSums", assets), ("rightHash", 1), ("rightSums", assets)],
                (t, input) => CircuitTemplates.Solvency(t, assets, new SolvencyInputs(
                    input("commitment")[0], input("paramsHash")[0], input("epoch")[0], input("publisher")[0], input("reserves"), input("ratios"),
                    input("leftHash")[0], input("leftSums"), input("rightHash")[0], input("rightSums"))));
        }
        return null;
    }

    /// <summary>Emits every signal of the circuit for the inputs <paramref name="input"/> gives by signal name.</summary>
    public void Run(WitnessTrace trace, Func<string, Fr[]> input) => _run(trace, input);

    // K ≤ 7: a node hashes 2K + 2 inputs, and circomlib's Poseidon takes at most 16.
    [GeneratedRegex(@"^inclusion_([1-9][0-9]?)_([1-7])$")]
    private static partial Regex InclusionName();

    [GeneratedRegex(@"^solvency_([1-7])$")]
    private static partial Regex SolvencyName();

    [GeneratedRegex(@"^collateral_([1-9][0-9]?)_([1-7])$")]
    private static partial Regex CollateralName();

    private static PathInputs Path(Func<string, Fr[]> input) => new(input("siblingHashes"), input("siblingSums"), input("siblingIsLeft"));
}

/// <summary>A leaf's path to the root; <c>SiblingSums</c> holds siblingSums[i][k] at i·K + k.</summary>
internal sealed record PathInputs(Fr[] SiblingHashes, Fr[] SiblingSums, Fr[] SiblingIsLeft);

/// <summary>Inclusion(D, K)'s inputs.</summary>
internal sealed record InclusionInputs(Fr LeafHash, Fr Commitment, Fr ParamsHash, Fr Epoch, Fr Publisher, Fr IdHash, Fr[] Balances, PathInputs Path);

/// <summary>Collateral(D, K)'s inputs.</summary>
internal sealed record CollateralInputs(Fr Commitment, Fr ParamsHash, Fr Epoch, Fr Publisher, Fr[] Prices, Fr[] Weights, Fr Threshold,
    Fr Subject, Fr Scope, Fr Nullifier, Fr IdHash, Fr[] Balances, PathInputs Path, Fr[] AssetCodes, Fr[] ProofDecimals);

/// <summary>Solvency(K)'s inputs.</summary>
internal sealed record SolvencyInputs(Fr Commitment, Fr ParamsHash, Fr Epoch, Fr Publisher, Fr[] Reserves, Fr[] Ratios,
    Fr LeftHash, Fr[] LeftSums, Fr RightHash, Fr[] RightSums);
