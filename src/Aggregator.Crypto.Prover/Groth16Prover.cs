using System.Diagnostics;
using System.Security.Cryptography;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;
using Aggregator.Crypto.Prover.Msm;

namespace Aggregator.Crypto.Prover;

/// <summary>
/// Computes Groth16 proofs natively from a snarkjs proving key and a full witness, as snarkjs's
/// groth16 prove does (docs/proofs.md): the QAP's A and B evaluations from the key's coefficients,
/// C = A·B pointwise, each moved to the odd coset by inverse FFT, scaling by powers of ω_2n and FFT,
/// then H = A·B − C there; the proof's points are multi-scalar multiplications of the key's A, B1, B2,
/// C and H sections, blinded with r and s. The public signals are the witness's values 1..n.
/// </summary>
public sealed class Groth16Prover
{
    private readonly ProvingKey _key;
    private readonly FrDomain _domain;
    private readonly QapEvaluation _qap;
    private volatile SectionMultiples? _multiples;
    private readonly Lock _building = new();

    // The key's sections with their window multiples (FixedBases), once built.
    private sealed record SectionMultiples(FixedBases<Fq> A, FixedBases<Fq> B1, FixedBases<Fq2> B2, FixedBases<Fq> C, FixedBases<Fq> H)
    {
        public long Bytes => A.Bytes + B1.Bytes + B2.Bytes + C.Bytes + H.Bytes;
    }

    public Groth16Prover(ProvingKey key)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
        _domain = new FrDomain(System.Numerics.BitOperations.Log2((uint)key.DomainSize));
        _qap = new QapEvaluation(key.Coefficients, key.DomainSize);
    }

    public ProvingKey Key => _key;

    /// <summary>
    /// Builds every section's window multiples (<see cref="FixedBases{T}"/>), so that the proofs after
    /// it sum each multi-scalar multiplication's windows in one set of buckets: 25 to 45% less proving
    /// time (bench/RESULTS.md) for some seconds of both cores once and a copy of the key's points per
    /// window in memory (<see cref="PrecomputedBytes"/>; 20 windows and 164 MiB for inclusion(20, 4)).
    /// For a prover that stays up; a one-shot command does better without. Proofs made meanwhile go on
    /// without; calling it again does nothing.
    /// </summary>
    public void PrecomputeBases(CancellationToken cancellationToken = default)
    {
        lock (_building)
        {
            if (_multiples is not null)
            {
                return;
            }
            // About half of a circuit's witness values are 0 or 1 (range-check bits, path sides), which
            // cost no window; the quotient's values are all full size.
            var witnessBits = FixedBases<Fq>.WindowBitsFor(_key.VariableCount / 2);
            var quotientBits = FixedBases<Fq>.WindowBitsFor(_key.DomainSize);
            _multiples = new SectionMultiples(
                FixedBases<Fq>.Build(_key.A, witnessBits, cancellationToken),
                FixedBases<Fq>.Build(_key.B1, witnessBits, cancellationToken),
                FixedBases<Fq2>.Build(_key.B2, witnessBits, cancellationToken),
                FixedBases<Fq>.Build(_key.C, witnessBits, cancellationToken),
                FixedBases<Fq>.Build(_key.H, quotientBits, cancellationToken));
        }
    }

    /// <summary>The memory <see cref="PrecomputeBases"/> took, in bytes; 0 before.</summary>
    public long PrecomputedBytes => _multiples?.Bytes ?? 0;

    /// <summary>
    /// Where a proof's time goes, for benchmarks: given to <see cref="Prove"/>, the steps run one after
    /// another (each still over every core) and each is timed.
    /// </summary>
    public sealed class Profile
    {
        private readonly List<(string Step, TimeSpan Time)> _steps = [];

        /// <summary>Each step in order: QAP, FFT, MSM H, MSM A, MSM B1, MSM B2, MSM C, finish.</summary>
        public IReadOnlyList<(string Step, TimeSpan Time)> Steps => _steps;

        internal void Add(string step, TimeSpan time) => _steps.Add((step, time));
    }

    /// <summary>
    /// Proves the statement whose full witness is <paramref name="witness"/> (witness[0] = 1, then the
    /// public signals, then the private values). r and s come from the OS CSPRNG unless
    /// <paramref name="randomScalar"/> is given (tests only).
    /// </summary>
    /// <exception cref="ArgumentException">The witness does not fit the key.</exception>
    public Groth16Proof Prove(ReadOnlySpan<Fr> witness, Func<Fr>? randomScalar = null, Profile? profile = null)
    {
        if (witness.Length != _key.VariableCount)
        {
            throw new ArgumentException($"the witness has {witness.Length} values; the proving key needs {_key.VariableCount}", nameof(witness));
        }
        if (witness[0] != Fr.One)
        {
            throw new ArgumentException("witness[0] must be 1 (the constant signal)", nameof(witness));
        }
        var multiples = _multiples;
        var values = witness.ToArray();
        var scalars = new Limbs[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            scalars[i] = values[i].Canonical;
        }
        Fr[] a = [], b = [];
        Limbs[] h = [];
        JacobianPoint<Fq> piA = default, b1 = default, piC = default, piH = default;
        JacobianPoint<Fq2> piB = default;
        (string Step, Action Run)[] quotient =
        [
            ("QAP", () => (a, b) = _qap.Evaluate(values)),
            ("FFT", () => h = QuotientOnCoset(a, b)),
            ("MSM H", () => piH = Sum(_key.H, multiples?.H, h)),
        ];
        (string Step, Action Run)[] witnessSums =
        [
            ("MSM A", () => piA = Sum(_key.A, multiples?.A, scalars)),
            ("MSM B1", () => b1 = Sum(_key.B1, multiples?.B1, scalars)),
            ("MSM B2", () => piB = Sum(_key.B2, multiples?.B2, scalars)),
            ("MSM C", () => piC = Sum(_key.C, multiples?.C, scalars[(_key.PublicCount + 1)..])),
        ];
        var clock = Stopwatch.StartNew();
        // r and s are secret (with them the proof would reveal Σ wᵢ·Aᵢ): every product by them runs in
        // constant time. The key's δ's products need no sum, so they run beside the sums.
        var r = (randomScalar ?? RandomScalar)();
        var s = (randomScalar ?? RandomScalar)();
        var delta1 = _key.Delta1.ToJacobian();
        JacobianPoint<Fq> delta1R = default, delta1S = default, delta1MinusRs = default;
        JacobianPoint<Fq2> delta2S = default;
        Action[] blindingByDelta =
        [
            () => delta1R = ConstantTimeMultiplication.Multiply(delta1, r, Curve.B3),
            () => delta1S = ConstantTimeMultiplication.Multiply(delta1, s, Curve.B3),
            () => delta1MinusRs = ConstantTimeMultiplication.Multiply(delta1, (r * s).Negate(), Curve.B3),
            () => delta2S = ConstantTimeMultiplication.Multiply(_key.Delta2.ToJacobian(), s, Curve.TwistB3),
        ];
        if (profile is null)
        {
            // The quotient's chain and the witness's four sums are independent: run together, the serial
            // parts of each (digits, bucket sums, FFT stage joins) overlap the others' parallel parts.
            Parallel.Invoke([() => Array.ForEach(quotient, step => step.Run()), .. witnessSums.Select(step => step.Run), .. blindingByDelta]);
        }
        else
        {
            foreach (var (step, run) in quotient.Concat(witnessSums))
            {
                clock.Restart();
                run();
                profile.Add(step, clock.Elapsed);
            }
            clock.Restart();
            Array.ForEach(blindingByDelta, blind => blind());
        }

        piA = piA.Add(_key.Alpha1).Add(delta1R);
        piB = piB.Add(_key.Beta2).Add(delta2S);
        b1 = b1.Add(_key.Beta1).Add(delta1S);
        JacobianPoint<Fq> piAS = default, b1R = default;
        Parallel.Invoke(
            () => piAS = ConstantTimeMultiplication.Multiply(piA, s, Curve.B3),
            () => b1R = ConstantTimeMultiplication.Multiply(b1, r, Curve.B3));
        piC = piC.Add(piH).Add(piAS).Add(b1R).Add(delta1MinusRs);
        // A point at infinity here has probability about 2^-254; every verifier would refuse it.
        var proof = Groth16Proof.TryCreate(piA.ToAffine(), piB.ToAffine(), piC.ToAffine(), out var reason)
            ?? throw new InvalidOperationException($"the proof came out unusable ({reason}): prove again");
        profile?.Add("finish", clock.Elapsed);
        return proof;
    }

    private static JacobianPoint<T> Sum<T>(ReadOnlyMemory<AffinePoint<T>> bases, FixedBases<T>? multiples, Limbs[] scalars) where T : struct, IFieldElement<T> =>
        multiples is null ? MultiScalarMultiplication.Compute(bases, scalars) : MultiScalarMultiplication.Compute(multiples, scalars);

    /// <summary>A uniform non-zero scalar from the OS CSPRNG (rejection sampling below r).</summary>
    public static Fr RandomScalar()
    {
        Span<byte> bytes = stackalloc byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            bytes[31] &= 0x3f; // below 2^254; r > 2^253, so at most half the draws are rejected
            var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: false);
            if (value < Fr.Modulus && !value.IsZero)
            {
                return Fr.FromBigInteger(value);
            }
        }
    }

    /// <summary>
    /// A·B − C on the odd coset ω_2n·H, as canonical scalars for the H points: each of A, B, C (= A·B on
    /// the domain) interpolated, its coefficient j scaled by ω_2n^j, evaluated again.
    /// </summary>
    private Limbs[] QuotientOnCoset(Fr[] a, Fr[] b)
    {
        var c = new Fr[a.Length];
        ForRanges(c.Length, (first, last) =>
        {
            for (var i = first; i < last; i++)
            {
                c[i] = Fr.MontgomeryMultiply(a[i], b[i]);
            }
        });
        foreach (var values in new[] { a, b, c })
        {
            _domain.ToOddCoset(values);
        }
        var h = new Limbs[a.Length];
        ForRanges(h.Length, (first, last) =>
        {
            for (var i = first; i < last; i++)
            {
                h[i] = Fr.Subtract(Fr.MontgomeryMultiply(a[i], b[i]), c[i]).Canonical;
            }
        });
        return h;
    }

    private static void ForRanges(int count, Action<int, int> body)
    {
        var parts = Environment.ProcessorCount;
        Parallel.For(0, parts, part => body(count * part / parts, count * (part + 1) / parts));
    }
}
