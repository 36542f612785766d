using System.Numerics;
using System.Text.Json.Nodes;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;
using Aggregator.Testing;

namespace Aggregator.Proving.Tests;

/// <summary>
/// The verifier's typed surface: proofs and keys in the Solidity verifiers' words, public inputs as field
/// elements. Every word of a real proof tampered with, and every malformed encoding, is refused.
/// </summary>
[Collection(ProvenEpochGroup.Name)]
public class TypedVerifierTests(ProvenEpochFixture epoch)
{
    private (Groth16Verifier Verifier, VerifyingKey Key, Groth16Proof Proof, Fr[] Inputs, JsonObject Json) Inclusion()
    {
        var document = JsonNode.Parse(File.ReadAllText(epoch.InclusionPath))!.AsObject();
        var key = SnarkjsJson.ReadVerifyingKey(File.ReadAllText(epoch.InclusionVerificationKey));
        var inputs = document["publicSignals"]!.AsArray().Select(s => Fr.Parse(s!.GetValue<string>())).ToArray();
        return (new Groth16Verifier(key), key, SnarkjsJson.ReadProof(document["proof"]!.ToJsonString()), inputs, document["proof"]!.AsObject());
    }

    [Fact]
    public void A_proof_and_a_key_decoded_from_their_words_verify_as_read_from_json()
    {
        var (_, key, proof, inputs, _) = Inclusion();
        Assert.True(Groth16Proof.TryDecode(proof.Encode(), out var decoded, out var reason), reason);
        var fromWords = new Groth16Verifier(VerifyingKey.Decode(key.Encode()));
        Assert.True(fromWords.Verify(decoded!, inputs).IsValid);
        Assert.True(new Groth16Verifier(key, parallel: true).Verify(decoded!, inputs).IsValid);
        Assert.Equal(proof.Encode(), decoded!.Encode());
    }

    [Fact]
    public void The_words_are_the_solidity_calldata_order_imaginary_part_first()
    {
        var (_, _, proof, _, json) = Inclusion();
        string At(string point, params int[] path)
        {
            JsonNode node = json[point]!;
            foreach (var i in path)
            {
                node = node[i]!;
            }
            return node.GetValue<string>();
        }
        string[] expected = [At("pi_a", 0), At("pi_a", 1), At("pi_b", 0, 1), At("pi_b", 0, 0), At("pi_b", 1, 1), At("pi_b", 1, 0), At("pi_c", 0), At("pi_c", 1)];
        Assert.Equal(expected, proof.ToEvmWords().Select(w => w.ToString()));
    }

    [Fact]
    public void Every_word_of_a_proof_tampered_with_is_refused()
    {
        var (verifier, _, proof, inputs, _) = Inclusion();
        var words = proof.Encode();
        for (var word = 0; word < 8; word++)
        {
            var tampered = (byte[])words.Clone();
            tampered[(word * 32) + 31] ^= 1;
            var decoded = Groth16Proof.TryDecode(tampered, out var altered, out _);
            Assert.False(decoded && verifier.Verify(altered!, inputs).IsValid, $"word {word} altered still verifies");
        }
    }

    [Fact]
    public void Every_public_input_tampered_with_and_a_wrong_count_are_refused()
    {
        var (verifier, _, proof, inputs, _) = Inclusion();
        Assert.True(verifier.Verify(proof, inputs).IsValid);
        for (var i = 0; i < inputs.Length; i++)
        {
            var altered = (Fr[])inputs.Clone();
            altered[i] += Fr.One;
            Assert.False(verifier.Verify(proof, altered).IsValid, $"input {i} + 1 still verifies");
        }
        Assert.Contains("public signals where the key expects", verifier.Verify(proof, inputs.AsSpan(1)).Reason);
    }

    [Fact]
    public void Encodings_that_are_not_points_are_refused_with_the_point_named()
    {
        var (_, _, proof, _, _) = Inclusion();
        var words = proof.Encode();
        Assert.False(Groth16Proof.TryDecode(words.AsSpan(1), out _, out var reason));
        Assert.Contains("256 bytes", reason);

        var infinity = (byte[])words.Clone();
        Array.Clear(infinity, 0, 64); // (0, 0): the precompiles' point at infinity
        Assert.False(Groth16Proof.TryDecode(infinity, out _, out reason));
        Assert.Contains("pi_a", reason);

        var aboveP = (byte[])words.Clone();
        (proof.ToEvmWords()[6] + Fq.Modulus).TryWriteBytes(aboveP.AsSpan(192, 32), out _, isUnsigned: true, isBigEndian: true);
        Assert.False(Groth16Proof.TryDecode(aboveP, out _, out reason)); // the same x spelled + p
        Assert.Contains("pi_c", reason);

        var offTwist = (byte[])words.Clone();
        offTwist[64 + 127] ^= 1;
        Assert.False(Groth16Proof.TryDecode(offTwist, out _, out reason));
        Assert.Contains("pi_b", reason);
    }

    [Fact]
    public void A_key_with_a_word_tampered_with_is_refused_or_verifies_nothing()
    {
        var (_, key, proof, inputs, _) = Inclusion();
        var words = key.Encode();
        Assert.Throws<ProofFormatException>(() => VerifyingKey.Decode(words.AsSpan(0, words.Length - 1)));
        for (var word = 0; word < words.Length / 32; word++)
        {
            var tampered = (byte[])words.Clone();
            tampered[(word * 32) + 31] ^= 1;
            try
            {
                Assert.False(new Groth16Verifier(VerifyingKey.Decode(tampered)).Verify(proof, inputs).IsValid, $"key word {word} altered still verifies");
            }
            catch (ProofFormatException)
            {
                // refused as a key: a point off its curve, or outside G2's subgroup
            }
        }
    }

    [Fact]
    public void A_proof_file_that_holds_no_proof_is_refused_naming_the_file_not_as_an_internal_error()
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-proof-file-").FullName;
        try
        {
            var document = JsonNode.Parse(File.ReadAllText(epoch.InclusionPath))!.AsObject();
            Assert.Equal(Inclusion().Proof.Encode(), SnarkjsJson.ReadProofFile(epoch.InclusionPath).Encode());

            string Written(string name, string text)
            {
                var path = Path.Combine(directory, name);
                File.WriteAllText(path, text);
                return path;
            }
            var offCurve = JsonNode.Parse(document.ToJsonString())!.AsObject();
            offCurve["proof"]!["pi_a"]![1] = "7";
            var noProof = JsonNode.Parse(document.ToJsonString())!.AsObject();
            noProof.Remove("proof");
            foreach (var (path, expected) in new[]
            {
                (Written("off-curve.json", offCurve.ToJsonString()), "pi_a is not a point of G1"),
                (Written("no-proof.json", noProof.ToJsonString()), "\"proof\" is missing"),
                (Written("not-json.json", "{ \"proof\": "), "malformed JSON"),
                (Path.Combine(directory, "missing.json"), "does not exist"),
            })
            {
                var error = Assert.Throws<Core.Errors.InputException>(() => SnarkjsJson.ReadProofFile(path));
                Assert.Contains(expected, error.Message);
                Assert.Contains(Path.GetFileName(path), error.Message);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
