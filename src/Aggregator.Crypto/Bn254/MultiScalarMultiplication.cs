using System.Runtime.CompilerServices;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// Σ kᵢ·Pᵢ over affine bases by Pippenger's bucket method with signed digits. Bases at infinity and
/// scalars 0 cost nothing, scalars 1 (most of a circuit's range-check bits and path sides) one addition
/// each; the others are cut into c-bit windows whose digits lie in [−2^(c−1), 2^(c−1)], so each window
/// needs 2^(c−1) buckets (a negative digit adds the negated base); windows run in parallel over the cores.
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
            if (bases[i].IsInfinity)
            {
                // Adds nothing whatever its scalar: a key's point for a signal its polynomial never uses (a
                // third of B's in the inclusion circuit). Left out before the window width is chosen.
                continue;
            }
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
        var digits = new short[windows * others.Count];
        var parts = Environment.ProcessorCount;
        Parallel.For(0, parts, part => SignedDigits(scalars, others, c, windows, digits, others.Count * part / parts, others.Count * (part + 1) / parts));
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

    /// <summary>
    /// The window width that minimizes field products: per window, about 6 per point (a batched affine
    /// addition) plus its share of the batch's inversion (about 200 products), and 27 per bucket (a mixed
    /// and a full Jacobian addition in the running sum).
    /// </summary>
    private static int WindowBits(int count)
    {
        var best = 2;
        var bestCost = long.MaxValue;
        for (var c = 2; c <= 16; c++)
        {
            var buckets = 1L << (c - 1);
            var cost = (long)((ScalarBits + c) / c) * ((6L + 200L / BatchSize(buckets)) * count + 27L * buckets);
            if (cost < bestCost)
            {
                (best, bestCost) = (c, cost);
            }
        }
        return best;
    }

    // Window-major: digits[w·m + j] is window w's digit of scalar others[j], for j in [first, last).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SignedDigits(Limbs[] scalars, List<int> others, int c, int windows, short[] digits, int first, int last)
    {
        var m = others.Count;
        var full = 1 << c;
        var half = full >> 1;
        for (var j = first; j < last; j++)
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static JacobianPoint<T> WindowSum<T>(AffinePoint<T>[] bases, List<int> others, ReadOnlySpan<short> digits, int c)
        where T : struct, IFieldElement<T>
    {
        var buckets = new AffineBuckets<T>(1 << (c - 1));
        for (var j = 0; j < digits.Length; j++)
        {
            var digit = digits[j];
            if (digit != 0)
            {
                ref readonly var point = ref bases[others[j]];
                buckets.Add(Math.Abs(digit) - 1, point.X, digit > 0 ? point.Y : point.Y.Negate());
            }
        }
        buckets.Finish();
        // Σ d·bucket[d] as a running sum from the top: bucket d is counted d times.
        var running = JacobianPoint<T>.Infinity;
        var sum = JacobianPoint<T>.Infinity;
        for (var b = buckets.Count - 1; b >= 0; b--)
        {
            running = buckets.AddTo(running, b);
            sum = sum.Add(running);
        }
        return sum;
    }

    /// <summary>
    /// Additions batched per inversion: 256, but at most a quarter of the buckets, so that a batch fills
    /// before most points find their bucket already waiting in it.
    /// </summary>
    private static int BatchSize(long buckets) => (int)Math.Clamp(buckets / 4, 1, 256);

    /// <summary>
    /// Affine buckets filled by batches of additions that share one inversion (Montgomery's trick):
    /// about six products per addition, against eleven for a mixed Jacobian one. A point whose bucket is
    /// already waiting in the batch is queued for the next batch; when the queue is full (the top windows,
    /// where every scalar has the same few digits) it goes to the bucket's Jacobian overflow instead.
    /// </summary>
    private sealed class AffineBuckets<T> where T : struct, IFieldElement<T>
    {
        private readonly int _batchSize; // also the queue's capacity
        private readonly T[] _x, _y;
        private readonly bool[] _filled, _waiting;
        private readonly JacobianPoint<T>[] _overflow;
        private readonly int[] _batchBucket;
        private readonly T[] _batchX, _batchY, _denominator, _prefix;
        private int _batched;
        private readonly (int Bucket, T X, T Y)[] _queue, _retry;
        private int _queued;

        public AffineBuckets(int count)
        {
            _batchSize = BatchSize(count);
            _batchBucket = new int[_batchSize];
            (_batchX, _batchY, _denominator, _prefix) = (new T[_batchSize], new T[_batchSize], new T[_batchSize], new T[_batchSize]);
            (_queue, _retry) = (new (int, T, T)[_batchSize], new (int, T, T)[_batchSize]);
            _x = new T[count];
            _y = new T[count];
            _filled = new bool[count];
            _waiting = new bool[count];
            _overflow = new JacobianPoint<T>[count];
            _overflow.AsSpan().Fill(JacobianPoint<T>.Infinity);
        }

        public int Count => _x.Length;

        /// <summary><paramref name="sum"/> plus everything bucket <paramref name="bucket"/> holds.</summary>
        public JacobianPoint<T> AddTo(JacobianPoint<T> sum, int bucket)
        {
            if (_filled[bucket])
            {
                sum = sum.Add(AffinePoint<T>.At(_x[bucket], _y[bucket]));
            }
            return _overflow[bucket].IsInfinity ? sum : sum.Add(_overflow[bucket]);
        }

        public void Add(int bucket, in T x, in T y)
        {
            Accumulate(bucket, x, y);
            if (_batched == _batchSize)
            {
                FlushAndRetry();
            }
        }

        /// <summary>Completes every pending addition.</summary>
        public void Finish()
        {
            while (_batched > 0 || _queued > 0)
            {
                if (_batched < Math.Max(1, _batchSize / 16) && _queued > 0)
                {
                    // What is left piles onto a few buckets: a batch per point would cost an inversion each.
                    for (var i = 0; i < _queued; i++)
                    {
                        ref readonly var item = ref _queue[i];
                        _overflow[item.Bucket] = _overflow[item.Bucket].Add(AffinePoint<T>.At(item.X, item.Y));
                    }
                    _queued = 0;
                }
                FlushAndRetry();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Accumulate(int bucket, in T x, in T y)
        {
            if (!_filled[bucket])
            {
                (_x[bucket], _y[bucket], _filled[bucket]) = (x, y, true);
                return;
            }
            if (_waiting[bucket])
            {
                if (_queued < _batchSize)
                {
                    _queue[_queued++] = (bucket, x, y);
                }
                else
                {
                    _overflow[bucket] = _overflow[bucket].Add(AffinePoint<T>.At(x, y));
                }
                return;
            }
            var dx = T.Subtract(x, _x[bucket]);
            if (dx.IsZero)
            {
                // The bucket's own point (double it) or its negation (the bucket empties): rare, so no batching.
                var sum = AffinePoint<T>.At(_x[bucket], _y[bucket]).ToJacobian().Add(AffinePoint<T>.At(x, y)).ToAffine();
                (_x[bucket], _y[bucket], _filled[bucket]) = (sum.X, sum.Y, !sum.IsInfinity);
                return;
            }
            _waiting[bucket] = true;
            _batchBucket[_batched] = bucket;
            _batchX[_batched] = x;
            _batchY[_batched] = y;
            _denominator[_batched] = dx;
            _batched++;
        }

        // Completes the batch, then offers the queued points again (they may fill the next batch).
        private void FlushAndRetry()
        {
            Flush();
            var count = _queued;
            _queue.AsSpan(0, count).CopyTo(_retry);
            _queued = 0;
            for (var i = 0; i < count; i++)
            {
                ref readonly var item = ref _retry[i];
                Accumulate(item.Bucket, item.X, item.Y);
                if (_batched == _batchSize)
                {
                    Flush();
                }
            }
        }

        /// <summary>Completes the batched additions with one inversion.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Flush()
        {
            if (_batched == 0)
            {
                return;
            }
            var product = T.One;
            for (var k = 0; k < _batched; k++)
            {
                _prefix[k] = product;
                product = T.Multiply(product, _denominator[k]);
            }
            var inverse = product.Inverse();
            for (var k = _batched - 1; k >= 0; k--)
            {
                var dxInverse = T.Multiply(inverse, _prefix[k]);
                inverse = T.Multiply(inverse, _denominator[k]);
                var b = _batchBucket[k];
                var bx = _x[b];
                var by = _y[b];
                var slope = T.Multiply(T.Subtract(_batchY[k], by), dxInverse);
                var x3 = T.Subtract(T.Subtract(slope.Square(), bx), _batchX[k]);
                _y[b] = T.Subtract(T.Multiply(slope, T.Subtract(bx, x3)), by);
                _x[b] = x3;
                _waiting[b] = false;
            }
            _batched = 0;
        }
    }
}
