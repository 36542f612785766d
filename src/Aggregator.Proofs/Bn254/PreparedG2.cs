namespace Aggregator.Proofs.Bn254;

/// <summary>
/// The Miller-loop lines of one G2 point, in loop order: per bit of 6u + 2 (most significant first,
/// skipping the top one) a doubling line, then an addition line where the bit is set, and finally the
/// lines adding π(Q) and −π²(Q). Computed once per point, in Jacobian coordinates without inversion.
/// </summary>
internal sealed class PreparedG2
{
    private static readonly bool[] SquareBefore = Schedule();

    private PreparedG2(LineCoefficients[] lines, bool isInfinity)
    {
        Lines = lines;
        IsInfinity = isInfinity;
    }

    public LineCoefficients[] Lines { get; }

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
        var step = 0;
        var loop = Pairing.AteLoopCount;
        for (var bit = (int)loop.GetBitLength() - 2; bit >= 0; bit--)
        {
            lines[step++] = Pairing.Tangent(ref t);
            if (!((loop >> bit) & 1).IsZero)
            {
                lines[step++] = Pairing.Chord(ref t, q);
            }
        }
        var q1 = Pairing.TwistFrobenius(q);
        var q2 = Pairing.TwistFrobenius(q1).Negate();
        lines[step++] = Pairing.Chord(ref t, q1);
        lines[step] = Pairing.Chord(ref t, q2);
        return new PreparedG2(lines, false);
    }

    private static bool[] Schedule()
    {
        var schedule = new List<bool>();
        var loop = Pairing.AteLoopCount;
        for (var bit = (int)loop.GetBitLength() - 2; bit >= 0; bit--)
        {
            schedule.Add(true);
            if (!((loop >> bit) & 1).IsZero)
            {
                schedule.Add(false);
            }
        }
        schedule.Add(false);
        schedule.Add(false);
        return [.. schedule];
    }
}
