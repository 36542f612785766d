namespace Aggregator.Crypto.Bn254;

/// <summary>
/// The Miller-loop lines of one G2 point, in loop order: per signed digit of 6u + 2 (non-adjacent form,
/// most significant first, skipping the top one) a doubling line, then the line adding Q or −Q where the
/// digit is ±1, and finally the lines adding π(Q) and −π²(Q). Computed once per point, in Jacobian
/// coordinates without inversion.
/// </summary>
internal sealed class PreparedG2
{
    private static readonly sbyte[] LoopDigits = SignedDigits.Compute(Pairing.AteLoopCount, 2);

    private static readonly bool[] SquareBefore = Schedule();

    private PreparedG2(LineCoefficients[] lines, bool isInfinity, bool isNormalized = false)
    {
        Lines = lines;
        IsInfinity = isInfinity;
        IsNormalized = isNormalized;
    }

    public LineCoefficients[] Lines { get; }

    /// <summary>Every line scaled to A = 1 (see <see cref="LineCoefficients.MultiplyNormalizedInto"/>).</summary>
    public bool IsNormalized { get; }

    public bool IsInfinity { get; }

    /// <summary>How many lines every point has.</summary>
    public static int StepCount => SquareBefore.Length;

    /// <summary>Whether f is squared before the line of this step (doubling steps).</summary>
    public static bool SquaresBefore(int step) => SquareBefore[step];

    public static PreparedG2 Prepare(in AffinePoint<Fq2> q)
    {
        if (q.IsInfinity)
        {
            return new PreparedG2([], true);
        }
        var lines = new LineCoefficients[StepCount];
        var t = q.ToJacobian();
        var negated = q.Negate();
        var step = 0;
        for (var i = LoopDigits.Length - 2; i >= 0; i--)
        {
            lines[step++] = Pairing.Tangent(ref t);
            if (LoopDigits[i] != 0)
            {
                lines[step++] = Pairing.Chord(ref t, LoopDigits[i] > 0 ? q : negated);
            }
        }
        var q1 = Pairing.TwistFrobenius(q);
        var q2 = Pairing.TwistFrobenius(q1).Negate();
        lines[step++] = Pairing.Chord(ref t, q1);
        lines[step] = Pairing.Chord(ref t, q2);
        return new PreparedG2(lines, false);
    }

    /// <summary>
    /// The lines scaled to A = 1, for a point used in many Miller loops (a verification key's γ and δ):
    /// an inversion per line once, three Fq2 products fewer per line and proof. Points whose loop meets a
    /// vertical line (none of order r) are left as prepared.
    /// </summary>
    public static PreparedG2 PrepareNormalized(in AffinePoint<Fq2> q)
    {
        var prepared = Prepare(q);
        if (prepared.IsInfinity || prepared.Lines.Any(line => line.IsVertical))
        {
            return prepared;
        }
        return new PreparedG2([.. prepared.Lines.Select(line => line.Normalized())], false, true);
    }

    private static bool[] Schedule()
    {
        var schedule = new List<bool>();
        for (var i = LoopDigits.Length - 2; i >= 0; i--)
        {
            schedule.Add(true);
            if (LoopDigits[i] != 0)
            {
                schedule.Add(false);
            }
        }
        schedule.Add(false);
        schedule.Add(false);
        return [.. schedule];
    }
}
