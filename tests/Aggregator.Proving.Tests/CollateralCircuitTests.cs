using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;
using Aggregator.Crypto.Prover;
using Aggregator.Testing;

namespace Aggregator.Proving.Tests;

/// <summary>
/// collateral(20, 4): the native witness held to circom's calculator (Wasmtime) on many inputs, at the
/// threshold and one unit short of it, at the top of every range; and a proof every field of whose public
/// inputs, tampered, the native verifier refuses.
/// </summary>
public sealed class CollateralCircuitTests : IClassFixture<NativeProverTests.Prover>
{
    private const string Circuit = "collateral_20_4";
    private static readonly Fr Subject = Fr.Parse("1095216660480"); // an EVM address as an integer
    private static readonly Fr Scope = Fr.Parse("4242");
    private readonly NativeProverTests.Prover _prover;

    public CollateralCircuitTests(NativeProverTests.Prover prover) => _prover = prover;

    private Groth16Verifier Verifier() =>
        new(SnarkjsJson.ReadVerifyingKey(File.ReadAllText(Path.Combine(_prover.Keys, Circuit + ".vkey.json"))));

    private WitnessCalculator Wasmtime() => WitnessCalculator.Load(Circuit, Path.Combine(_prover.Keys, Circuit + ".wasm"), _prover.Cache);

    // The exact weighted value of a leaf (×10^4·10^18 of the threshold's unit): Σ b·price·weight·10^(18 − p).
    private static BigInteger Value(MerkleSumTree tree, int leaf, ulong[] prices, uint[] weights) =>
        Enumerable.Range(0, tree.AssetCount).Aggregate(BigInteger.Zero, (sum, k) =>
            sum + ((BigInteger)tree.Leaf(leaf).Balances[k] * prices[k] * weights[k] * BigInteger.Pow(10, 18 - tree.Parameters.Assets[k].ProofDecimals)));

    private static readonly BigInteger ThresholdUnit = BigInteger.Pow(10, 22);

    private JsonObject Input(int leaf, ulong[] prices, uint[] weights, ulong threshold, MerkleSumTree? tree = null, EpochCommitment? binding = null) =>
        CircuitInputs.Collateral(tree ?? _prover.Tree, leaf, binding ?? _prover.Binding, prices, weights, threshold, Subject, Scope);

    [Fact]
    public void The_native_witness_equals_Wasmtimes_at_the_threshold_and_across_random_inputs()
    {
        var random = new Random(11);
        using var wasmtime = Wasmtime();
        var calculator = _prover.Native.Circuit(Circuit).Calculator;
        for (var i = 0; i < 12; i++)
        {
            var leaf = random.Next(300);
            ulong[] prices = [.. Enumerable.Range(0, 4).Select(_ => (ulong)random.NextInt64(1, 1L << 40))];
            uint[] weights = [.. Enumerable.Range(0, 4).Select(_ => (uint)random.Next(0, 10_001))];
            // The largest threshold the account reaches: value / 10^22, rounded down.
            var threshold = (ulong)BigInteger.Min(Value(_prover.Tree, leaf, prices, weights) / ThresholdUnit, ulong.MaxValue);
            var input = Input(leaf, prices, weights, threshold);
            Assert.Equal(wasmtime.Calculate(input), calculator.Calculate(input));
        }
    }

    [Fact]
    public void A_value_equal_to_the_threshold_proves_one_unit_short_does_not_and_the_top_of_every_range_does_not_wrap()
    {
        // One account holding exactly 1 BTC (8 decimals) and 2^64 − 1 units of the 6-decimal asset.
        var parameters = new CommitmentParameters(20, [new(new AssetId("BTC"), 8), new(new AssetId("ETH"), 18), new(new AssetId("SOL"), 0), new(new AssetId("USDC"), 6)]);
        var tree = MerkleSumTree.Build(parameters, [new LiabilityRow("edge", [100_000_000, 0, 0, ulong.MaxValue]), new LiabilityRow("none", [0, 0, 0, 0])], EpochSecret.Generate());
        var binding = EpochCommitment.Of(tree, 7, PublisherAddress.Parse("0x0000000000000000000000000000000000000001"));
        var edge = tree.FindLeaf("edge")!.Value;
        var calculator = _prover.Native.Circuit(Circuit).Calculator;
        using var wasmtime = Wasmtime();

        // 1 BTC at 60,000 USD (×10^8), weight 9,000 (a haircut of 0.1): worth exactly 54,000 USD.
        ulong[] prices = [60_000UL * 100_000_000, 0, 0, 0];
        uint[] weights = [9_000, 10_000, 10_000, 10_000];
        var exact = Input(edge, prices, weights, 54_000UL * 100_000_000, tree, binding);
        Assert.Equal(wasmtime.Calculate(exact), calculator.Calculate(exact));
        var proof = _prover.Native.Prove(Circuit, exact);
        Assert.True(SnarkjsJson.Verify(Verifier(), proof.Proof.ToJsonString(), proof.PublicSignals).IsValid);
        var shortOfIt = Input(edge, prices, weights, (54_000UL * 100_000_000) + 1, tree, binding);
        Assert.Contains("main.reaches.out === 1", Assert.Throws<InputException>(() => _prover.Native.Prove(Circuit, shortOfIt)).Message, StringComparison.Ordinal);
        Assert.Contains("the inputs violate a constraint", Assert.Throws<InputException>(() => wasmtime.Calculate(shortOfIt)).Message, StringComparison.Ordinal);

        // 2^64 − 1 units at the largest price and full weight: the largest term, which must not wrap.
        ulong[] top = [0, 0, 0, ulong.MaxValue];
        var largest = Input(edge, top, [10_000, 10_000, 10_000, 10_000], ulong.MaxValue, tree, binding);
        Assert.Equal(wasmtime.Calculate(largest), calculator.Calculate(largest));
        // An account with nothing reaches no threshold above zero, and zero.
        var none = tree.FindLeaf("none")!.Value;
        Assert.Throws<InputException>(() => _prover.Native.Prove(Circuit, Input(none, top, weights, 1, tree, binding)));
        Assert.Equal(wasmtime.Calculate(Input(none, top, weights, 0, tree, binding)), calculator.Calculate(Input(none, top, weights, 0, tree, binding)));
    }

    [Theory]
    [InlineData("weights", 1, "10001", "main.weightAtMostFull[1].out === 1")] // a weight above full
    [InlineData("prices", 2, "18446744073709551616", "main.priceRange[2].n2b")] // a price of 2^64
    [InlineData("proofDecimals", 0, "7", "main.params.out === main.paramsHash")] // another layout than the published one
    [InlineData("nullifier", -1, "5", "main.nullifies.out === main.nullifier")] // a nullifier not of this account and scope
    [InlineData("commitment", -1, "5", "main.bound.commitment === main.commitment")]
    public void Inputs_outside_the_rules_are_refused_by_both_calculators(string field, int index, string value, string check)
    {
        var input = Input(3, [1, 1, 1, 1], [10_000, 10_000, 10_000, 10_000], 0);
        if (index < 0)
        {
            input[field] = value;
        }
        else
        {
            input[field]![index] = value;
        }
        Assert.Contains(check, Assert.Throws<InputException>(() => _prover.Native.Prove(Circuit, input)).Message, StringComparison.Ordinal);
        using var wasmtime = Wasmtime();
        Assert.Contains("the inputs violate a constraint", Assert.Throws<InputException>(() => wasmtime.Calculate(input)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_public_input_tampered_is_refused_by_the_native_verifier()
    {
        var proof = _prover.Native.Prove(Circuit, Input(5, [3, 5, 7, 11], [10_000, 9_000, 5_000, 0], 0));
        var verifier = Verifier();
        var signals = proof.PublicSignals.ToArray();
        Assert.Equal(16, signals.Length); // commitment, paramsHash, epoch, publisher, prices[4], weights[4], threshold, subject, scope, nullifier
        Assert.True(SnarkjsJson.Verify(verifier, proof.Proof.ToJsonString(), signals).IsValid);
        var vkey = JsonNode.Parse(File.ReadAllText(Path.Combine(_prover.Keys, Circuit + ".vkey.json")));
        var cases = new JsonArray();
        for (var i = 0; i < signals.Length; i++)
        {
            var tampered = signals.ToArray();
            tampered[i] = (BigInteger.Parse(tampered[i], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.False(SnarkjsJson.Verify(verifier, proof.Proof.ToJsonString(), tampered).IsValid, $"public signal {i} tampered");
            cases.Add(new JsonObject { ["vkey"] = vkey!.DeepClone(), ["proof"] = proof.Proof.DeepClone(), ["publicSignals"] = new JsonArray([.. tampered.Select(t => JsonValue.Create(t))]) });
        }
        // snarkjs refuses every one of them too, and accepts the honest one.
        cases.Add(new JsonObject { ["vkey"] = vkey!.DeepClone(), ["proof"] = proof.Proof.DeepClone(), ["publicSignals"] = new JsonArray([.. signals.Select(t => JsonValue.Create(t))]) });
        var verdicts = SnarkjsScripts.Run("verify-batch.mjs", cases).AsArray().Select(v => v!.GetValue<bool>()).ToArray();
        Assert.Equal([.. Enumerable.Repeat(false, signals.Length), true], verdicts);
    }
}
