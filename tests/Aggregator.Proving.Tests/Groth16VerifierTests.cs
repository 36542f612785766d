using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;
using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.Proving.Tests;

[Collection(ProvenEpochGroup.Name)]
public class Groth16VerifierTests(ProvenEpochFixture epoch)
{
    // LooserSnarkjsAccepts: a spelling of the valid proof that snarkjs 0.7.6 accepts and the acceptance
    // policy refuses (docs/proofs.md): the EVM verifier refuses it too, so one proof has one spelling.
    private sealed record Case(string Name, string VerificationKey, string Proof, string[] Signals, bool LooserSnarkjsAccepts = false);

    private static readonly BigInteger P = Fq.Modulus;

    private static (JsonObject Proof, string[] Signals) Read(string path)
    {
        var document = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return (document["proof"]!.AsObject(), document["publicSignals"]!.AsArray().Select(s => s!.GetValue<string>()).ToArray());
    }

    private static string With(JsonObject proof, Action<JsonObject> change)
    {
        var copy = JsonNode.Parse(proof.ToJsonString())!.AsObject();
        change(copy);
        return copy.ToJsonString();
    }

    private static string Coordinate(JsonObject proof, string point, params int[] path)
    {
        JsonNode node = proof[point]!;
        foreach (var index in path)
        {
            node = node[index]!;
        }
        return node.GetValue<string>();
    }

    // Every way a proof can be altered, for both circuits; the first case of each is the untouched proof.
    private IEnumerable<Case> Cases()
    {
        foreach (var (file, key) in new[] { (Path.Combine(epoch.EpochDirectory, EpochProofs.SolvencyProofFile), epoch.SolvencyVerificationKey), (epoch.InclusionPath, epoch.InclusionVerificationKey) })
        {
            var vkey = File.ReadAllText(key);
            var (proof, signals) = Read(file);
            var name = Path.GetFileName(file);
            yield return new Case($"{name}: untouched", vkey, proof.ToJsonString(), signals);

            var a = AffinePoint<Fq>.At(Fq.FromBigInteger(BigInteger.Parse(Coordinate(proof, "pi_a", 0))), Fq.FromBigInteger(BigInteger.Parse(Coordinate(proof, "pi_a", 1))));
            var doubled = a.Multiply(2);
            yield return new Case($"{name}: pi_a replaced by 2·pi_a", vkey, With(proof, p => p["pi_a"] = new JsonArray(doubled.X.ToString(), doubled.Y.ToString(), "1")), signals);
            yield return new Case($"{name}: pi_a off the curve", vkey, With(proof, p => p["pi_a"]![1] = ((BigInteger.Parse(Coordinate(proof, "pi_a", 1)) + 1) % P).ToString()), signals);
            yield return new Case($"{name}: pi_a.x + p (same point)", vkey, With(proof, p => p["pi_a"]![0] = (BigInteger.Parse(Coordinate(proof, "pi_a", 0)) + P).ToString()), signals, LooserSnarkjsAccepts: true);
            yield return new Case($"{name}: pi_a.y with a leading zero", vkey, With(proof, p => p["pi_a"]![1] = "0" + Coordinate(proof, "pi_a", 1)), signals, LooserSnarkjsAccepts: true);
            yield return new Case($"{name}: pi_c.x in hex", vkey, With(proof, p => p["pi_c"]![0] = "0x" + BigInteger.Parse(Coordinate(proof, "pi_c", 0)).ToString("x")), signals, LooserSnarkjsAccepts: true);
            // Jacobian coordinates (X, Y, Z) = (x·Z², y·Z³, Z) name the same point to snarkjs's curve code.
            var (ax, ay) = (BigInteger.Parse(Coordinate(proof, "pi_a", 0)), BigInteger.Parse(Coordinate(proof, "pi_a", 1)));
            yield return new Case($"{name}: pi_a projective (z = 2)", vkey, With(proof, p => p["pi_a"] = new JsonArray((ax * 4 % P).ToString(), (ay * 8 % P).ToString(), "2")), signals, LooserSnarkjsAccepts: true);
            yield return new Case($"{name}: pi_c replaced by pi_a", vkey, With(proof, p => p["pi_c"] = JsonNode.Parse(proof["pi_a"]!.ToJsonString())), signals);
            yield return new Case($"{name}: pi_c off the curve", vkey, With(proof, p => p["pi_c"]![0] = "1"), signals);
            yield return new Case($"{name}: pi_b coordinates swapped", vkey, With(proof, p => p["pi_b"]![0] = new JsonArray(Coordinate(proof, "pi_b", 0, 1), Coordinate(proof, "pi_b", 0, 0))), signals);
            yield return new Case($"{name}: pi_b off the twist", vkey, With(proof, p => p["pi_b"]![1]![0] = "5"), signals);
            var outside = TwistPoints.FirstWithSmallX();
            yield return new Case($"{name}: pi_b outside the subgroup", vkey, With(proof, p => p["pi_b"] = new JsonArray(
                new JsonArray(outside.X.C0.ToString(), outside.X.C1.ToString()), new JsonArray(outside.Y.C0.ToString(), outside.Y.C1.ToString()), new JsonArray("1", "0"))), signals);
            for (var i = 0; i < signals.Length; i++)
            {
                var index = i;
                var value = BigInteger.Parse(signals[i]);
                yield return new Case($"{name}: signal {i} + 1", vkey, proof.ToJsonString(), signals.Select((s, j) => j == index ? ((value + 1) % Fr.Modulus).ToString() : s).ToArray());
                yield return new Case($"{name}: signal {i} + r", vkey, proof.ToJsonString(), signals.Select((s, j) => j == index ? (value + Fr.Modulus).ToString() : s).ToArray());
            }
            yield return new Case($"{name}: signal 0 with a leading zero", vkey, proof.ToJsonString(), ["0" + signals[0], .. signals[1..]], LooserSnarkjsAccepts: true);
            yield return new Case($"{name}: a signal missing", vkey, proof.ToJsonString(), signals[..^1]);
        }
    }

    [Fact]
    public void Native_verdicts_follow_the_acceptance_policy_and_snarkjs_differs_only_where_it_is_looser()
    {
        var cases = Cases().ToArray();
        var native = cases.Select(c => SnarkjsJson.Verify(new Groth16Verifier(SnarkjsJson.ReadVerifyingKey(c.VerificationKey)), c.Proof, c.Signals)).ToArray();
        var snarkjs = SnarkjsVerdicts(cases);
        // Only the untouched proofs pass the policy; snarkjs accepts those and the looser spellings, nothing else.
        var accepted = Enumerable.Range(0, cases.Length).Where(i => native[i].IsValid).Select(i => cases[i].Name);
        Assert.Equal(cases.Select(c => c.Name).Where(n => n.EndsWith("untouched", StringComparison.Ordinal)), accepted);
        var surprises = Enumerable.Range(0, cases.Length)
            .Where(i => snarkjs[i] != (native[i].IsValid || cases[i].LooserSnarkjsAccepts))
            .Select(i => $"{cases[i].Name}: snarkjs says {snarkjs[i]}, native says {native[i].IsValid} ({native[i].Reason})")
            .ToArray();
        Assert.Empty(surprises);
    }

    [Fact]
    public void Concurrent_verifications_each_get_their_own_verdict()
    {
        // Eight callers at once: one at a time gets the helper thread, the others run both halves
        // themselves; valid and tampered proofs interleave so a mixed-up half would show.
        var cases = Cases().Where(c => c.Name.EndsWith("untouched", StringComparison.Ordinal) || c.Name.Contains("2·pi_a", StringComparison.Ordinal)
            || c.Name.Contains("outside the subgroup", StringComparison.Ordinal) || c.Name.Contains("signal 0 + 1", StringComparison.Ordinal)).ToArray();
        var verifiers = cases.Select(c => new Groth16Verifier(SnarkjsJson.ReadVerifyingKey(c.VerificationKey), parallel: true)).ToArray();
        var expected = cases.Select((c, i) => SnarkjsJson.Verify(verifiers[i], c.Proof, c.Signals)).ToArray();
        Assert.Contains(expected, verdict => verdict.IsValid);
        Assert.Contains(expected, verdict => !verdict.IsValid);
        var runs = Enumerable.Range(0, 64).ToArray();
        var verdicts = new VerificationResult[runs.Length];
        Parallel.For(0, runs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, run =>
        {
            var i = run % cases.Length;
            verdicts[run] = SnarkjsJson.Verify(verifiers[i], cases[i].Proof, cases[i].Signals);
        });
        Assert.All(runs, run => Assert.Equal(expected[run % cases.Length], verdicts[run]));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("""{ "pi_a": ["1", "2"], "pi_b": [], "pi_c": [] }""")]
    [InlineData("""{ "pi_a": ["1", "2", "1"], "pi_b": [["1","2"],["3","4"],["1","0"]], "pi_c": ["x", "2", "1"] }""")]
    public void Malformed_proof_json_is_invalid_not_an_exception(string proof)
    {
        var verifier = new Groth16Verifier(SnarkjsJson.ReadVerifyingKey(File.ReadAllText(epoch.InclusionVerificationKey)), parallel: true);
        Assert.False(SnarkjsJson.Verify(verifier, proof, ["1", "2"]).IsValid);
    }

    [Fact]
    public void A_malformed_verification_key_is_refused()
    {
        Assert.Throws<ProofFormatException>(() => SnarkjsJson.ReadVerifyingKey("{"));
        Assert.Throws<ProofFormatException>(() => SnarkjsJson.ReadVerifyingKey("""{ "protocol": "plonk", "curve": "bn128" }"""));
        var key = JsonNode.Parse(File.ReadAllText(epoch.InclusionVerificationKey))!.AsObject();
        key["vk_alpha_1"]![1] = "7";
        Assert.Throws<ProofFormatException>(() => SnarkjsJson.ReadVerifyingKey(key.ToJsonString()));
    }

    private static bool[] SnarkjsVerdicts(Case[] cases) =>
        SnarkjsScripts.Run("verify-batch.mjs", new JsonArray([.. cases.Select(c => new JsonObject
        {
            ["vkey"] = JsonNode.Parse(c.VerificationKey),
            ["proof"] = TryParse(c.Proof),
            ["publicSignals"] = new JsonArray([.. c.Signals.Select(s => JsonValue.Create(s))]),
        })])).AsArray().Select(v => v!.GetValue<bool>()).ToArray();

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(json);
        }
    }
}
