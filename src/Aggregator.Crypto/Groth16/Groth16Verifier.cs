using System.Numerics;
using System.Text.Json;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Groth16;

/// <summary>
/// A native Groth16 verifier over BN254 for snarkjs's JSON (verification_key.json, proof.json, public
/// signals), under one acceptance policy (docs/proofs.md): affine points (z = 1) whose coordinates are
/// canonical decimals below p, on their curve and (for G2) in the r-subgroup; exactly the key's number of
/// public signals, each a canonical decimal below r; and e(−A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1 with
/// vk_x = IC₀ + Σ sᵢ·ICᵢ₊₁. Stricter than snarkjs (which reduces coordinates mod p, skips the G2 subgroup
/// check and does not count signals); what it accepts, the EVM verifier accepts.
/// Depends on nothing but this library's field and curve code.
/// </summary>
public sealed class Groth16Verifier
{
    // The key's G2 points are fixed: their Miller-loop lines, and the whole of e(α, β)'s Miller loop,
    // are computed once per key rather than once per proof.
    private readonly Fq12 _alphaBeta;
    private readonly PreparedG2 _gamma, _delta;

    private static int _verifying; // verifications in progress in this process
    private readonly AffinePoint<Fq>[] _ic;
    private readonly Lazy<FixedBaseTable[]> _icTables; // for IC[1..]: public inputs scale them
    private int _verifications;

    /// <summary>How many public signals a proof must carry.</summary>
    public int PublicInputCount => _ic.Length - 1;

    private Groth16Verifier(AffinePoint<Fq> alpha, AffinePoint<Fq2> beta, AffinePoint<Fq2> gamma, AffinePoint<Fq2> delta, AffinePoint<Fq>[] ic)
    {
        _alphaBeta = Pairing.MillerLoop(alpha, beta);
        _gamma = PreparedG2.PrepareNormalized(gamma);
        _delta = PreparedG2.PrepareNormalized(delta);
        _ic = ic;
        _icTables = new(() => [.. ic.Skip(1).Select(point => new FixedBaseTable(point))]);
    }

    /// <summary>Reads a snarkjs verification key (protocol groth16, curve bn128).</summary>
    /// <exception cref="ProofFormatException">Not such a key, or a point that is not valid.</exception>
    public static Groth16Verifier FromVerificationKey(string json)
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
        var points = ic.EnumerateArray().Select((p, i) => Valid(G1(p, $"IC[{i}]"), $"IC[{i}]")).ToArray();
        if (root.TryGetProperty("nPublic", out var nPublic) && (!nPublic.TryGetInt32(out var n) || n != points.Length - 1))
        {
            throw new ProofFormatException($"nPublic does not match the {points.Length} IC points");
        }
        return new Groth16Verifier(
            Valid(G1(Property(root, "vk_alpha_1"), "vk_alpha_1"), "vk_alpha_1"),
            Valid(G2(Property(root, "vk_beta_2"), "vk_beta_2"), "vk_beta_2"),
            Valid(G2(Property(root, "vk_gamma_2"), "vk_gamma_2"), "vk_gamma_2"),
            Valid(G2(Property(root, "vk_delta_2"), "vk_delta_2"), "vk_delta_2"),
            points);
    }

    /// <summary>Verifies a snarkjs proof.json against public signals; never throws for a bad proof.</summary>
    public VerificationResult Verify(string proofJson, IReadOnlyList<string> publicSignals)
    {
        ArgumentNullException.ThrowIfNull(publicSignals);
        AffinePoint<Fq> a, c;
        AffinePoint<Fq2> b;
        try
        {
            using var document = Parse(proofJson, "proof");
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return VerificationResult.Invalid("the proof is not a JSON object");
            }
            if (root.TryGetProperty("protocol", out var protocol) && protocol.GetString() != "groth16")
            {
                return VerificationResult.Invalid("the proof is not a groth16 proof");
            }
            a = G1(Property(root, "pi_a"), "pi_a");
            b = G2(Property(root, "pi_b"), "pi_b");
            c = G1(Property(root, "pi_c"), "pi_c");
        }
        catch (ProofFormatException error)
        {
            return VerificationResult.Invalid(error.Message);
        }
        if (!a.IsOnCurve(Curve.B) || a.IsInfinity)
        {
            return VerificationResult.Invalid("pi_a is not a point of G1");
        }
        if (!c.IsOnCurve(Curve.B) || c.IsInfinity)
        {
            return VerificationResult.Invalid("pi_c is not a point of G1");
        }
        if (!b.IsOnCurve(Curve.TwistB) || b.IsInfinity)
        {
            return VerificationResult.Invalid("pi_b is not a point of G2");
        }
        if (publicSignals.Count != PublicInputCount)
        {
            return VerificationResult.Invalid($"{publicSignals.Count} public signals where the key expects {PublicInputCount}");
        }
        var signals = new BigInteger[publicSignals.Count];
        for (var i = 0; i < signals.Length; i++)
        {
            if (!Fr.TryParse(publicSignals[i], out var signal))
            {
                return VerificationResult.Invalid($"public signal {i} is not a decimal number below r");
            }
            signals[i] = signal.ToBigInteger();
        }

        // Two cores. The helper thread computes B's lines and the proof's Miller loop, checks that B is in
        // G2 (needed only for the verdict), then multiplies for the final exponentiation's powers of u;
        // this thread computes vk_x, the key's Miller loop and the rest of the final exponentiation.
        var proofPair = new TaskCompletionSource<Fq12>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bInSubgroup = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void ProofSide(PowersOfUPipeline? pipeline)
        {
            try
            {
                proofPair.SetResult(Pairing.MillerLoop([(a.Negate(), PreparedG2.Prepare(b))]));
                bInSubgroup.SetResult(Curve.IsInG2Subgroup(b));
            }
            catch (Exception error)
            {
                proofPair.TrySetException(error);
                bInSubgroup.TrySetException(error);
            }
            finally
            {
                pipeline?.Multiply();
            }
        }
        // The helper only while no other verification runs: with every core already taken by a
        // caller, a third busy thread makes both slower (measured with two callers on two cores: 617
        // verifications/s with the helper in play).
        var shared = Interlocked.Increment(ref _verifying) < Environment.ProcessorCount ? new PowersOfUPipeline() : null;
        var pipeline = shared is not null && HelperThread.TryStart(() => ProofSide(shared)) ? shared : null;
        if (pipeline is null)
        {
            ProofSide(null); // both halves here, one after the other
        }
        bool pairingHolds;
        try
        {
            // A key's first verification multiplies directly: a one-shot command should not build
            // tables it uses once (measured: 0.03 s of a 0.19 s `aggregator verify`); later ones use them.
            var tables = Interlocked.Increment(ref _verifications) > 1 ? _icTables.Value : null;
            var vkX = _ic[0].ToJacobian();
            for (var i = 0; i < signals.Length; i++)
            {
                vkX = vkX.Add(tables is null ? _ic[i + 1].ToJacobian().Multiply(signals[i]) : tables[i].Multiply(signals[i]));
            }
            var product = _alphaBeta * Pairing.MillerLoop([(vkX.ToAffine(), _gamma), (c, _delta)]) * proofPair.Task.Result;
            // A point outside G2 can drive the Miller loop to zero, which has no final exponentiation.
            pairingHolds = !product.IsZero && (pipeline is null
                ? Pairing.FinalExponentiation(product)
                : Pairing.FinalExponentiation(product, pipeline.PowerOfU)).IsOne;
        }
        finally
        {
            pipeline?.SquarerGone();
            Interlocked.Decrement(ref _verifying);
        }
        if (!bInSubgroup.Task.Result)
        {
            return VerificationResult.Invalid("pi_b is not a point of G2");
        }
        return pairingHolds
            ? VerificationResult.Valid
            : VerificationResult.Invalid("the pairing check fails: the proof does not prove these public signals");
    }

    internal static JsonDocument Parse(string json, string what)
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

    internal static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new ProofFormatException($"\"{name}\" is missing");

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // snarkjs writes G1 points as [x, y, z] decimal strings, affine with z = 1.
    internal static AffinePoint<Fq> G1(JsonElement element, string name)
    {
        var items = Strings(element, name, 3);
        if (items[2] != "1")
        {
            throw new ProofFormatException($"{name} is not an affine point (z must be 1)");
        }
        return AffinePoint<Fq>.At(Coordinate(items[0], name), Coordinate(items[1], name));
    }

    // G2 points are [[x.c0, x.c1], [y.c0, y.c1], [z.c0, z.c1]] with z = [1, 0].
    internal static AffinePoint<Fq2> G2(JsonElement element, string name)
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

    // The acceptance policy (docs/proofs.md): a coordinate is a canonical decimal below p, as the EVM
    // precompiles require. snarkjs would reduce x + p to x, so one point would have two spellings.
    private static Fq Coordinate(string text, string name) =>
        FieldText.TryParse(text, Fq.Modulus, out var value)
            ? Fq.FromBigInteger(value)
            : throw new ProofFormatException($"{name} has a coordinate that is not a canonical decimal below p");

    private static AffinePoint<Fq> Valid(AffinePoint<Fq> point, string name) =>
        point.IsOnCurve(Curve.B) ? point : throw new ProofFormatException($"{name} is not on the curve");

    private static AffinePoint<Fq2> Valid(AffinePoint<Fq2> point, string name) =>
        point.IsOnCurve(Curve.TwistB) && Curve.IsInG2Subgroup(point) ? point : throw new ProofFormatException($"{name} is not a point of G2");
}
