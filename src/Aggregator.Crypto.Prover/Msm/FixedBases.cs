using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Prover.Msm;

/// <summary>
/// The bases of a multi-scalar multiplication computed again and again with other scalars (a proving
/// key's sections), each with its multiples 2^(c·j)·P for every c-bit window j, affine. With them every
/// window of every scalar adds into one set of buckets (<see cref="MultiScalarMultiplication"/>): the
/// bucket sums and the doublings between windows are paid once per product instead of once per window,
/// which also makes wider windows pay. Costs about c·(254/c) = 254 doublings per base to build, and
/// (254/c + 1) affine points per base to keep.
/// </summary>
internal sealed class FixedBases<T> where T : struct, IFieldElement<T>
{
    private FixedBases(AffinePoint<T>[] multiples, int windowBits, int windows)
    {
        (Multiples, WindowBits, Windows) = (multiples, windowBits, windows);
    }

    /// <summary>Base i's multiple 2^(c·j)·Pᵢ is at [i·<see cref="Windows"/> + j].</summary>
    internal AffinePoint<T>[] Multiples { get; }

    /// <summary>The number of bases.</summary>
    public int Count => Multiples.Length / Windows;

    /// <summary>c, the bits of each window.</summary>
    public int WindowBits { get; }

    /// <summary>The windows of a scalar below 2^254 in signed c-bit digits (one more than the bits need when the top one carries).</summary>
    public int Windows { get; }

    /// <summary>
    /// The window width for about <paramref name="count"/> full-size scalars: per core, its share of the
    /// points' additions (about 7 products each, in every window) against one bucket sum (about 15
    /// products per bucket, weighed double: wider sets leave the core's cache; measured at 10,000 and
    /// 32,768 points, 13 bits did best, where the plain count chose 13 and 15).
    /// </summary>
    public static int WindowBitsFor(int count)
    {
        var best = 2;
        var bestCost = long.MaxValue;
        for (var c = 2; c <= 15; c++)
        {
            var cost = (long)MultiScalarMultiplication.WindowCount(c) * 7L * count / Math.Max(1, Environment.ProcessorCount) + 30L * (1L << (c - 1));
            if (cost < bestCost)
            {
                (best, bestCost) = (c, cost);
            }
        }
        return best;
    }

    /// <summary>Computes every base's window multiples, over every core.</summary>
    public static FixedBases<T> Build(ReadOnlyMemory<AffinePoint<T>> bases, int windowBits, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 15); // digits are shorts
        var windows = MultiScalarMultiplication.WindowCount(windowBits);
        var multiples = new AffinePoint<T>[bases.Length * windows];
        const int Chunk = 1024; // points normalized together: one inversion per chunk and window
        var chunks = (bases.Length + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, chunk =>
        {
            var first = chunk * Chunk;
            var count = Math.Min(Chunk, bases.Length - first);
            var level = new JacobianPoint<T>[count];
            var chunkBases = bases.Span.Slice(first, count);
            for (var i = 0; i < count; i++)
            {
                multiples[(first + i) * windows] = chunkBases[i];
                level[i] = chunkBases[i].ToJacobian();
            }
            for (var j = 1; j < windows; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var i = 0; i < count; i++)
                {
                    for (var d = 0; d < windowBits; d++)
                    {
                        level[i] = level[i].Double();
                    }
                }
                var affine = JacobianPoint<T>.ToAffine(level);
                for (var i = 0; i < count; i++)
                {
                    multiples[(first + i) * windows + j] = affine[i];
                }
            }
        });
        return new FixedBases<T>(multiples, windowBits, windows);
    }

    /// <summary>The memory the multiples take, in bytes.</summary>
    public long Bytes => (long)Multiples.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<AffinePoint<T>>();
}
