namespace Aggregator.Crypto.Bn254;

/// <summary>
/// The final exponentiation's three powers x ↦ x^u on two threads. For each, the squaring thread
/// computes x, x², x⁴, …, x^(2^62) and publishes each as it goes; the multiplying thread, trailing
/// it, multiplies together the published powers that u's signed digits select (right to left, −1 by
/// conjugation, the inverse in the cyclotomic subgroup). The squarings' chain is the only sequential
/// part left: about 120 us per power against 190 on one thread.
/// <para>
/// Neither side can strand the other: the squaring side computes a product itself when the
/// multiplying side is gone (<see cref="MultiplierGone"/>), and the multiplying side stops waiting
/// when the squaring side will not square any more (<see cref="SquarerGone"/>).
/// </para>
/// </summary>
internal sealed class PowersOfUPipeline
{
    private const int Rounds = 3;
    private static readonly sbyte[] Digits = SignedDigits.Compute(Curve.U, 2);

    private readonly Fq12[][] _powers = [.. Enumerable.Range(0, Rounds).Select(_ => new Fq12[Digits.Length])];
    private readonly int[] _published = new int[Rounds]; // powers [0, n) of each round are ready
    private readonly Fq12[] _results = new Fq12[Rounds];
    private readonly int[] _resultReady = new int[Rounds];
    private int _round;
    private int _squarerGone;
    private int _multiplierGone;

    /// <summary>x^u, the squaring side; call once per round, in order, from one thread.</summary>
    public Fq12 PowerOfU(Fq12 x)
    {
        var round = _round++;
        var powers = _powers[round];
        powers[0] = x;
        Volatile.Write(ref _published[round], 1);
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1].CyclotomicSquare();
            Volatile.Write(ref _published[round], i + 1);
        }
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _resultReady[round]) == 0)
        {
            if (Volatile.Read(ref _multiplierGone) != 0 && Volatile.Read(ref _resultReady[round]) == 0)
            {
                return Product(powers, _ => true);
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        return _results[round];
    }

    /// <summary>The squaring side will not start another round (done, or no final exponentiation after all).</summary>
    public void SquarerGone() => Volatile.Write(ref _squarerGone, 1);

    /// <summary>The multiplying side: all rounds, as their powers are published; returns early if the squaring side leaves.</summary>
    public void Multiply()
    {
        try
        {
            for (var round = 0; round < Rounds; round++)
            {
                var powers = _powers[round];
                var published = _published;
                var product = Product(powers, i => WaitFor(ref published[round], i + 1));
                if (Volatile.Read(ref _squarerGone) != 0 && Volatile.Read(ref published[round]) < powers.Length)
                {
                    return;
                }
                _results[round] = product;
                Volatile.Write(ref _resultReady[round], 1);
            }
        }
        finally
        {
            Volatile.Write(ref _multiplierGone, 1);
        }
    }

    // Π over u's non-zero digits of powers[i] or its conjugate, each power awaited with `ready(i)`.
    private static Fq12 Product(Fq12[] powers, Func<int, bool> ready)
    {
        var product = Fq12.One;
        var started = false;
        for (var i = 0; i < Digits.Length; i++)
        {
            if (Digits[i] == 0)
            {
                continue;
            }
            if (!ready(i))
            {
                return product; // abandoned: the caller discards it
            }
            var term = Digits[i] > 0 ? powers[i] : powers[i].Conjugate();
            product = started ? product * term : term;
            started = true;
        }
        return product;
    }

    // Waits until at least `count` powers are published; false when the squaring side left first.
    private bool WaitFor(ref int published, int count)
    {
        var spinner = default(SpinWait);
        while (Volatile.Read(ref published) < count)
        {
            if (Volatile.Read(ref _squarerGone) != 0)
            {
                return Volatile.Read(ref published) >= count;
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        return true;
    }
}
