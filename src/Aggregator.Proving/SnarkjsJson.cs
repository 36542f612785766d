using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;

namespace Aggregator.Proving;

/// <summary>
/// snarkjs's JSON (verification_key.json, proof.json, public signals) read into the verifier's typed
/// values and written from them, under one acceptance policy (docs/proofs.md): affine points (z = 1) whose
/// coordinates are canonical decimals below p, on their curve; exactly the key's number of public signals,
/// each a canonical decimal below r. Stricter than snarkjs, which reduces coordinates mod p (so one point
/// would have two spellings), skips the G2 subgroup check and does not count signals.
/// </summary>
public static class SnarkjsJson
{
    /// <summary>Reads a snarkjs verification key (protocol groth16, curve bn128).</summary>
    /// <exception cref="ProofFormatException">Not such a key, or a point that is not valid, named.</exception>
    public static VerifyingKey ReadVerifyingKey(string json)
    {
        using var document = Parse(json, "verification key");
        var root = document.RootElement;
        if (Text(root, "protocol") != "groth16" || Text(root, "curve") != "bn128")
        {
            throw new ProofFormatException("the verification key is not a snarkjs groth16 key on bn128");
        }
        var ic = Property(root, "IC");
        if (ic.ValueKind != JsonValueKind.Array)
        {
            throw new ProofFormatException("the verification key has no IC array");
        }
        var points = ic.EnumerateArray().Select((p, i) => G1(p, $"IC[{i}]")).ToArray();
        if (root.TryGetProperty("nPublic", out var nPublic) && (!nPublic.TryGetInt32(out var n) || n != points.Length - 1))
        {
            throw new ProofFormatException($"nPublic does not match the {points.Length} IC points");
        }
        return VerifyingKey.Create(
            G1(Property(root, "vk_alpha_1"), "vk_alpha_1"),
            G2(Property(root, "vk_beta_2"), "vk_beta_2"),
            G2(Property(root, "vk_gamma_2"), "vk_gamma_2"),
            G2(Property(root, "vk_delta_2"), "vk_delta_2"),
            points);
    }

    /// <summary>Reads a snarkjs proof.json.</summary>
    /// <exception cref="ProofFormatException">Not a Groth16 proof, or a point that is not valid, named.</exception>
    public static Groth16Proof ReadProof(string json) =>
        TryReadProof(json, out var proof, out var reason) ? proof! : throw new ProofFormatException(reason);

    /// <summary>The proof of a proof file of ours (an epoch's solvency-proof.json, an account's inclusion file): its "proof" member.</summary>
    /// <exception cref="Core.Errors.InputException">A missing or malformed file, or a "proof" that is not a Groth16 proof, naming the file.</exception>
    public static Groth16Proof ReadProofFile(string path)
    {
        var document = ProofChecks.ReadObject(path);
        var json = document["proof"]?.ToJsonString() ?? throw new Core.Errors.InputException("\"proof\" is missing", file: path, field: "proof");
        return TryReadProof(json, out var proof, out var reason) ? proof! : throw new Core.Errors.InputException(reason, file: path, field: "proof");
    }

    /// <summary>Reads a snarkjs proof.json; never throws for a bad one.</summary>
    public static bool TryReadProof(string json, out Groth16Proof? proof, out string reason)
    {
        proof = null;
        AffinePoint<Fq> a, c;
        AffinePoint<Fq2> b;
        try
        {
            using var document = Parse(json, "proof");
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = "the proof is not a JSON object";
                return false;
            }
            if (root.TryGetProperty("protocol", out var protocol) && protocol.GetString() != "groth16")
            {
                reason = "the proof is not a groth16 proof";
                return false;
            }
            a = G1(Property(root, "pi_a"), "pi_a");
            b = G2(Property(root, "pi_b"), "pi_b");
            c = G1(Property(root, "pi_c"), "pi_c");
        }
        catch (ProofFormatException error)
        {
            reason = error.Message;
            return false;
        }
        proof = Groth16Proof.TryCreate(a, b, c, out reason);
        return proof is not null;
    }

    /// <summary>Verifies a snarkjs proof.json against public signals in decimal; never throws for a bad proof.</summary>
    public static VerificationResult Verify(Groth16Verifier verifier, string proofJson, IReadOnlyList<string> publicSignals)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(publicSignals);
        if (!TryReadProof(proofJson, out var proof, out var reason))
        {
            return VerificationResult.Invalid(reason);
        }
        if (publicSignals.Count != verifier.PublicInputCount)
        {
            return VerificationResult.Invalid($"{publicSignals.Count} public signals where the key expects {verifier.PublicInputCount}");
        }
        var signals = new Fr[publicSignals.Count];
        for (var i = 0; i < signals.Length; i++)
        {
            if (!Fr.TryParse(publicSignals[i], out signals[i]))
            {
                return VerificationResult.Invalid($"public signal {i} is not a decimal number below r");
            }
        }
        return verifier.Verify(proof!, signals);
    }

    /// <summary>A proof as snarkjs writes it: [x, y, "1"] for G1, [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]] for G2.</summary>
    public static JsonObject Write(Groth16Proof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return new JsonObject
        {
            ["pi_a"] = G1Json(proof.A),
            ["pi_b"] = G2Json(proof.B),
            ["pi_c"] = G1Json(proof.C),
            ["protocol"] = "groth16",
            ["curve"] = "bn128",
        };
    }

    // JsonArray's constructor of nodes, not a collection expression (its generic Add needs reflection, which the ahead-of-time prover lacks).
    private static JsonArray G1Json(AffinePoint<Fq> point) => new(point.X.ToString(), point.Y.ToString(), "1");

    private static JsonArray G2Json(AffinePoint<Fq2> point) =>
        new(new JsonArray(point.X.C0.ToString(), point.X.C1.ToString()), new JsonArray(point.Y.C0.ToString(), point.Y.C1.ToString()), new JsonArray("1", "0"));

    private static JsonDocument Parse(string json, string what)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new ProofFormatException($"the {what} is not valid JSON: {error.Message}");
        }
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new ProofFormatException($"\"{name}\" is missing");

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // snarkjs writes G1 points as [x, y, z] decimal strings, affine with z = 1.
    private static AffinePoint<Fq> G1(JsonElement element, string name)
    {
        var items = Strings(element, name, 3);
        if (items[2] != "1")
        {
            throw new ProofFormatException($"{name} is not an affine point (z must be 1)");
        }
        return AffinePoint<Fq>.At(Coordinate(items[0], name), Coordinate(items[1], name));
    }

    // G2 points are [[x.c0, x.c1], [y.c0, y.c1], [z.c0, z.c1]] with z = [1, 0].
    private static AffinePoint<Fq2> G2(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != 3)
        {
            throw new ProofFormatException($"{name} is not a G2 point [[x0, x1], [y0, y1], [1, 0]]");
        }
        var x = Strings(element[0], name, 2);
        var y = Strings(element[1], name, 2);
        var z = Strings(element[2], name, 2);
        if (z[0] != "1" || z[1] != "0")
        {
            throw new ProofFormatException($"{name} is not an affine point (z must be [1, 0])");
        }
        return AffinePoint<Fq2>.At(new Fq2(Coordinate(x[0], name), Coordinate(x[1], name)), new Fq2(Coordinate(y[0], name), Coordinate(y[1], name)));
    }

    private static string[] Strings(JsonElement element, string name, int count)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != count || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new ProofFormatException($"{name} is not an array of {count} decimal strings");
        }
        return element.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    private static Fq Coordinate(string text, string name) =>
        FieldText.TryParse(text, Fq.Modulus, out var value)
            ? Fq.FromBigInteger(value)
            : throw new ProofFormatException($"{name} has a coordinate that is not a canonical decimal below p");
}
