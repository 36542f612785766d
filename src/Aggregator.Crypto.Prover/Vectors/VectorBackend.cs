using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;
using Aggregator.Crypto.Prover.Lanes;
using Aggregator.Crypto.Prover.Msm;

namespace Aggregator.Crypto.Prover.Vectors;

/// <summary>
/// The prover's bulk field work behind one API, whose backend is chosen once for the process, as
/// gnark-crypto's vector_amd64.go and vector_purego.go are: the FFT's butterflies, the QAP's sums of
/// products, and batched affine additions on G1 and G2. <see cref="Default"/> is the AVX2 lanes where the
/// CPU has them, else the scalar code; the tests run both on the same inputs and require the same
/// results.
/// </summary>
internal abstract class VectorBackend
{
    public static VectorBackend Scalar { get; } = new ScalarBackend();

    /// <summary>Four field products at a time in AVX2 registers, or null where the CPU has no AVX2.</summary>
    public static VectorBackend? Lanes { get; } = LaneMontgomery<FrModulus>.IsSupported ? new LaneBackend() : null;

    /// <summary>The backend every prover of the process uses.</summary>
    public static VectorBackend Default { get; } = Lanes ?? Scalar;

    /// <summary>What a domain's transforms need of this backend beyond its roots (made once per domain), or null.</summary>
    public abstract object? Prepare(FrDomain domain);

    /// <summary>
    /// The FFT's stages after the bit reversal, in place, with <paramref name="roots"/> (the domain's
    /// roots or inverse roots); with <paramref name="scaleForCoset"/>, value i is then multiplied by the
    /// domain's coset factor i. <paramref name="parts"/> (a power of two) is how many cores share a stage.
    /// </summary>
    public abstract void Butterflies(FrDomain domain, object? prepared, Fr[] values, Fr[] roots, bool scaleForCoset, int parts);

    /// <summary>The witness as <see cref="SumProducts"/> takes it.</summary>
    public abstract Fr[] PrepareWitness(Fr[] witness);

    /// <summary>
    /// target[constraint] += coefficient·w[signal] for the coefficients named by
    /// <paramref name="indices"/>, skipping the witness's zeros and taking its ones without a product
    /// (<paramref name="kinds"/>: <see cref="QapEvaluation.ZeroValue"/>, <see cref="QapEvaluation.OneValue"/> or other).
    /// </summary>
    public abstract void SumProducts(ProvingKey.QapCoefficient[] coefficients, int[] indices, Fr[] preparedWitness, byte[] kinds, Fr[] target);

    /// <summary>A batch of affine additions over <typeparamref name="T"/> (Fq for G1, Fq2 for G2) for one thread.</summary>
    public abstract IAffineAdditions<T> AffineAdditions<T>() where T : struct, IFieldElement<T>;
}
