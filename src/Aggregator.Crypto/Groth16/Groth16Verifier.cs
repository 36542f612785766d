using System.Numerics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Groth16;

/// <summary>
/// A native Groth16 verifier over BN254 (docs/proofs.md): a proof whose points are on their curves (made
/// so by <see cref="Groth16Proof"/>), B in G2's subgroup, exactly the key's number of public inputs, and
/// e(−A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1 with vk_x = IC₀ + Σ xᵢ·ICᵢ₊₁. What it accepts, the EVM verifier
/// accepts. Depends on nothing but this library's field and curve code; single-threaded unless asked.
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
    private readonly bool _parallel;
    private int _verifications;

    /// <param name="key">The circuit's verification key.</param>
    /// <param name="parallel">Whether a verification may use a second core (a helper thread, while no other verification runs in the process).</param>
    public Groth16Verifier(VerifyingKey key, bool parallel = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        _alphaBeta = Pairing.MillerLoop(key.Alpha, key.Beta);
        _gamma = PreparedG2.PrepareNormalized(key.Gamma);
        _delta = PreparedG2.PrepareNormalized(key.Delta);
        _ic = key.IC;
        _icTables = new(() => [.. _ic.Skip(1).Select(point => new FixedBaseTable(point))]);
        _parallel = parallel;
    }

    /// <summary>How many public inputs a proof must carry.</summary>
    public int PublicInputCount => _ic.Length - 1;

    /// <summary>Verifies a proof against its public inputs; never throws for a bad proof.</summary>
    public VerificationResult Verify(Groth16Proof proof, ReadOnlySpan<Fr> publicInputs)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var (a, b, c) = (proof.A, proof.B, proof.C);
        if (publicInputs.Length != PublicInputCount)
        {
            return VerificationResult.Invalid($"{publicInputs.Length} public signals where the key expects {PublicInputCount}");
        }
        var signals = new BigInteger[publicInputs.Length];
        for (var i = 0; i < signals.Length; i++)
        {
            signals[i] = publicInputs[i].ToBigInteger();
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
        var shared = Interlocked.Increment(ref _verifying) < Environment.ProcessorCount && _parallel ? new PowersOfUPipeline() : null;
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
}
