using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// Σ kᵢ·Pᵢ over affine bases by Pippenger's bucket method with signed digits. Scalars 0 and 1 (most of a
/// circuit's range-check bits and path sides) cost nothing and one addition; the others are cut into
/// c-bit windows whose digits lie in [−2^(c−1), 2^(c−1)], so each window needs 2^(c−1) buckets
/// (a negative digit adds the negated base); windows run in parallel over the cores.
/// </summary>
internal static class MultiScalarMultiplication
{
    private const int ScalarBits = 254; // every scalar is below r < 2^254

    /// <param name="bases">The points Pᵢ.</param>
    /// <param name="scalars">The canonical values kᵢ (below r), as many as there are bases.</param>
    public static JacobianPoint<T> Compute<T>(AffinePoint<T>[] bases, Limbs[] scalars) where T : struct, IFieldElement<T>
    {
        if (bases.Length != scalars.Length)
        {
            throw new ArgumentException($"{bases.Length} bases but {scalars.Length} scalars", nameof(scalars));
        }
        var ones = JacobianPoint<T>.Infinity;
        var others = new List<int>(scalars.Length);
        for (var i = 0; i < scalars.Length; i++)
        {
            ref readonly var k = ref scalars[i];
            if ((k.L1 | k.L2 | k.L3) == 0 && k.L0 <= 1)
            {
                if (k.L0 == 1)
                {
                    ones = ones.Add(bases[i]);
                }
                continue;
            }
            others.Add(i);
        }
        if (others.Count == 0)
        {
            return ones;
        }

        var c = WindowBits(others.Count);
        var windows = (ScalarBits + c) / c; // one more digit than bits when the top window carries
        var digits = SignedDigits(scalars, others, c, windows);
        var sums = new JacobianPoint<T>[windows];
        Parallel.For(0, windows, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            w => sums[w] = WindowSum(bases, others, digits.AsSpan(w * others.Count, others.Count), c));

        var result = sums[windows - 1];
        for (var w = windows - 2; w >= 0; w--)
        {
            for (var b = 0; b < c; b++)
            {
                result = result.Double();
            }
            result = result.Add(sums[w]);
        }
        return result.Add(ones);
    }

    /// <summary>The window width that minimizes additions: windows × (points + 2^c for the bucket sums).</summary>
    private static int WindowBits(int count)
    {
        var best = 2;
        var bestCost = long.MaxValue;
        for (var c = 2; c <= 16; c++)
        {
            var cost = (long)((ScalarBits + c) / c) * (count + (1L << c));
            if (cost < bestCost)
            {
                (best, bestCost) = (c, cost);
            }
        }
        return best;
    }

    // Window-major: digits[w·m + j] is window w's digit of scalar others[j].
    private static short[] SignedDigits(Limbs[] scalars, List<int> others, int c, int windows)
    {
        var m = others.Count;
        var digits = new short[windows * m];
        var full = 1 << c;
        var half = full >> 1;
        for (var j = 0; j < m; j++)
        {
            ref readonly var k = ref scalars[others[j]];
            var carry = 0;
            for (var w = 0; w < windows; w++)
            {
                var digit = (int)Bits(k, w * c, c) + carry;
                carry = 0;
                if (digit > half)
                {
                    digit -= full;
                    carry = 1;
                }
                digits[w * m + j] = (short)digit;
            }
        }
        return digits;
    }

    /// <summary>Bits [start, start + count) of k, count ≤ 16; bits past 255 are zero.</summary>
    private static ulong Bits(in Limbs k, int start, int count)
    {
        if (start >= 256)
        {
            return 0;
        }
        var limb = start >> 6;
        var offset = start & 63;
        var value = Limb(k, limb) >> offset;
        if (offset + count > 64 && limb < 3)
        {
            value |= Limb(k, limb + 1) << (64 - offset);
        }
        return value & ((1UL << count) - 1);
    }

    private static ulong Limb(in Limbs k, int index) => index switch
    {
        0 => k.L0,
        1 => k.L1,
        2 => k.L2,
        _ => k.L3,
    };

    private static JacobianPoint<T> WindowSum<T>(AffinePoint<T>[] bases, List<int> others, ReadOnlySpan<short> digits, int c)
        where T : struct, IFieldElement<T>
    {
        var buckets = new JacobianPoint<T>[1 << (c - 1)];
        buckets.AsSpan().Fill(JacobianPoint<T>.Infinity);
        for (var j = 0; j < digits.Length; j++)
        {
            var digit = digits[j];
            if (digit > 0)
            {
                buckets[digit - 1] = buckets[digit - 1].Add(bases[others[j]]);
            }
            else if (digit < 0)
            {
                buckets[-digit - 1] = buckets[-digit - 1].Add(bases[others[j]].Negate());
            }
        }
        // Σ d·bucket[d] as a running sum from the top: bucket d is counted d times.
        var running = JacobianPoint<T>.Infinity;
        var sum = JacobianPoint<T>.Infinity;
        for (var b = buckets.Length - 1; b >= 0; b--)
        {
            running = running.Add(buckets[b]);
            sum = sum.Add(running);
        }
        return sum;
    }
}
