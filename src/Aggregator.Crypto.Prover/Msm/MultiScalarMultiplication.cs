using System.Runtime.CompilerServices;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Prover.Vectors;

namespace Aggregator.Crypto.Prover.Msm;

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
    public static JacobianPoint<T> Compute<T>(ReadOnlyMemory<AffinePoint<T>> bases, Limbs[] scalars) where T : struct, IFieldElement<T>
    {
        if (bases.Length != scalars.Length)
        {
            throw new ArgumentException($"{bases.Length} bases but {scalars.Length} scalars", nameof(scalars));
        }
        var (ones, others) = Sort(bases.Span, 1, scalars);
        if (others.Count == 0)
        {
            return ones;
        }

        var c = WindowBits(others.Count);
        var windows = WindowCount(c);
        var digits = SignedDigits(scalars, others, c);
        var buckets = new AffineBuckets<T>[windows];
        Parallel.For(0, windows, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new AffineBuckets<T>.Batch(1 << (c - 1)),
            (w, _, batch) =>
            {
                buckets[w] = FillBuckets(bases.Span, others, digits.AsSpan(w * others.Count, others.Count), c, batch);
                return batch;
            },
            _ => { });
        // Each core sums half the windows' buckets, its windows side by side (BucketSums).
        var sums = new JacobianPoint<T>[windows];
        var parts = Environment.ProcessorCount;
        Parallel.For(0, parts, part => BucketSums<T>.Compute(buckets, windows * part / parts, windows * (part + 1) / parts, sums));

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
    /// Σ kᵢ·Pᵢ over bases whose window multiples are at hand: each core adds the digits of the chunks of
    /// points it takes, every window's, into one set of buckets of its own (the multiple 2^(c·j)·Pᵢ stands
    /// for digit j of kᵢ), then sums that set; no doubling between windows. The chunks go to whichever
    /// core is free: beside the proof's other work, a core that joins late takes fewer chunks rather than
    /// leaving the other waiting for its half.
    /// </summary>
    public static JacobianPoint<T> Compute<T>(FixedBases<T> bases, Limbs[] scalars) where T : struct, IFieldElement<T>
    {
        if (bases.Count != scalars.Length)
        {
            throw new ArgumentException($"{bases.Count} bases but {scalars.Length} scalars", nameof(scalars));
        }
        var (total, others) = Sort(bases.Multiples, bases.Windows, scalars);
        if (others.Count == 0)
        {
            return total;
        }
        var c = bases.WindowBits;
        var chunks = Math.Clamp(others.Count / 128, 1, 16 * Environment.ProcessorCount);
        var adding = new Lock();
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new AffineBuckets<T>(1 << (c - 1), new AffineBuckets<T>.Batch(1 << (c - 1))),
            (chunk, _, buckets) =>
            {
                var (windows, multiples) = (bases.Windows, bases.Multiples);
                Span<short> digits = stackalloc short[windows];
                for (var j = others.Count * chunk / chunks; j < others.Count * (chunk + 1) / chunks; j++)
                {
                    var row = others[j] * windows;
                    SignedDigits(scalars[others[j]], c, digits);
                    for (var w = 0; w < windows; w++)
                    {
                        buckets.Add(digits[w], multiples[row + w]);
                    }
                }
                return buckets;
            },
            buckets =>
            {
                buckets.Complete();
                var sum = new JacobianPoint<T>[1];
                BucketSums<T>.Compute([buckets], 0, 1, sum);
                lock (adding)
                {
                    total = total.Add(sum[0]);
                }
            });
        return total;
    }

    /// <summary>Digits per scalar below 2^254 in signed c-bit windows: one more than the bits need when the top one carries.</summary>
    internal static int WindowCount(int c) => (ScalarBits + c) / c;

    /// <summary>
    /// Sorts the scalars: those of bases at infinity and 0 add nothing; those that are 1 (most of a
    /// circuit's range-check bits and path sides) are summed here, one batched addition each; the
    /// indices of the others are returned. Base i is bases[i·stride].
    /// </summary>
    private static (JacobianPoint<T> Ones, List<int> Others) Sort<T>(ReadOnlySpan<AffinePoint<T>> bases, int stride, Limbs[] scalars) where T : struct, IFieldElement<T>
    {
        var ones = new List<AffinePoint<T>>();
        var others = new List<int>(scalars.Length);
        for (var i = 0; i < scalars.Length; i++)
        {
            ref readonly var k = ref scalars[i];
            ref readonly var point = ref bases[i * stride];
            if (point.IsInfinity)
            {
                // Adds nothing whatever its scalar: a key's point for a signal its polynomial never uses (a
                // third of B's in the inclusion circuit). Left out before the window width is chosen.
                continue;
            }
            if ((k.L1 | k.L2 | k.L3) == 0 && k.L0 <= 1)
            {
                if (k.L0 == 1)
                {
                    ones.Add(point);
                }
                continue;
            }
            others.Add(i);
        }
        return (SumOfPoints(ones), others);
    }

    /// <summary>
    /// Σ of the points (none at infinity) by a tree of batched affine additions: each level adds its
    /// second half onto its first with one inversion. A pair with the same x (a doubling or a
    /// cancellation) is added apart in Jacobian form. A few points are added in Jacobian form directly.
    /// </summary>
    internal static JacobianPoint<T> SumOfPoints<T>(List<AffinePoint<T>> points) where T : struct, IFieldElement<T>
    {
        var sum = JacobianPoint<T>.Infinity;
        var n = points.Count;
        if (n < 32) // fewer than a level's inversion saves
        {
            foreach (var point in points)
            {
                sum = sum.Add(point);
            }
            return sum;
        }
        var (x, y) = (new T[n], new T[n]);
        for (var i = 0; i < n; i++)
        {
            (x[i], y[i]) = (points[i].X, points[i].Y);
        }
        var additions = VectorBackend.Default.AffineAdditions<T>();
        while (n > 1)
        {
            var half = n / 2;
            var pairs = half;
            for (var k = 0; k < pairs;)
            {
                if (EqualityComparer<T>.Default.Equals(x[k], x[k + half])) // canonical values: equal x, equal words
                {
                    // Rare: the pair goes to the Jacobian sum, and the last pair takes its slots.
                    sum = sum.Add(AffinePoint<T>.At(x[k], y[k])).Add(AffinePoint<T>.At(x[k + half], y[k + half]));
                    pairs--;
                    (x[k], y[k], x[k + half], y[k + half]) = (x[pairs], y[pairs], x[pairs + half], y[pairs + half]);
                    continue;
                }
                k++;
            }
            additions.Add(x.AsSpan(0, pairs), y.AsSpan(0, pairs), x.AsSpan(half, pairs), y.AsSpan(half, pairs));
            if (n % 2 == 1)
            {
                (x[pairs], y[pairs]) = (x[n - 1], y[n - 1]);
                pairs++;
            }
            n = pairs;
        }
        return n == 1 ? sum.Add(AffinePoint<T>.At(x[0], y[0])) : sum;
    }

    /// <summary>
    /// The window width that minimizes field products: per window, about 6 per point (a batched affine
    /// addition) plus its share of the batch's inversion (about 200 products), and about 15 per bucket
    /// (two batched affine additions in <see cref="BucketSums{T}"/>).
    /// </summary>
    private static int WindowBits(int count)
    {
        var best = 2;
        var bestCost = long.MaxValue;
        for (var c = 2; c <= 15; c++) // a digit of 16 bits would not fit its short
        {
            var buckets = 1L << (c - 1);
            var cost = (long)WindowCount(c) * ((6L + 200L / BatchSize(buckets)) * count + 15L * buckets);
            if (cost < bestCost)
            {
                (best, bestCost) = (c, cost);
            }
        }
        return best;
    }

    // Window-major: digits[w·m + j] is window w's digit of scalar others[j]; each core takes a share of the scalars.
    private static short[] SignedDigits(Limbs[] scalars, List<int> others, int c)
    {
        var m = others.Count;
        var windows = WindowCount(c);
        var digits = new short[windows * m];
        var parts = Environment.ProcessorCount;
        Parallel.For(0, parts, part => SignedDigits(scalars, others, c, windows, digits, m * part / parts, m * (part + 1) / parts));
        return digits;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SignedDigits(Limbs[] scalars, List<int> others, int c, int windows, short[] digits, int first, int last)
    {
        var m = others.Count;
        Span<short> digitsOfOne = stackalloc short[windows];
        for (var j = first; j < last; j++)
        {
            SignedDigits(scalars[others[j]], c, digitsOfOne);
            for (var w = 0; w < windows; w++)
            {
                digits[w * m + j] = digitsOfOne[w];
            }
        }
    }

    /// <summary>k's signed c-bit digits, lowest first, each in [−2^(c−1), 2^(c−1)], one per element of <paramref name="digits"/>.</summary>
    private static void SignedDigits(in Limbs k, int c, Span<short> digits)
    {
        var full = 1 << c;
        var half = full >> 1;
        var carry = 0;
        for (var w = 0; w < digits.Length; w++)
        {
            var digit = (int)Bits(k, w * c, c) + carry;
            carry = 0;
            if (digit > half)
            {
                digit -= full;
                carry = 1;
            }
            digits[w] = (short)digit;
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
    private static AffineBuckets<T> FillBuckets<T>(ReadOnlySpan<AffinePoint<T>> bases, List<int> others, ReadOnlySpan<short> digits, int c, AffineBuckets<T>.Batch batch)
        where T : struct, IFieldElement<T>
    {
        var buckets = new AffineBuckets<T>(1 << (c - 1), batch);
        for (var j = 0; j < digits.Length; j++)
        {
            buckets.Add(digits[j], bases[others[j]]);
        }
        buckets.Complete();
        return buckets;
    }

    /// <summary>
    /// Σ (b + 1)·bucket[b] for each of several windows (bucket b holds the points of digit b + 1). Each
    /// window's buckets are cut into groups of consecutive ones, each summed from its top by a running
    /// sum; every group of every window takes its step together, so a step's additions (hundreds) share
    /// one inversion and stay affine: about 7 products each, against 11 and 16 for the mixed and full
    /// Jacobian additions of one running sum over a window. A group's own weights start at 1, so
    /// g·span times its plain sum is added when the window's groups are combined.
    /// </summary>
    private sealed class BucketSums<T> where T : struct, IFieldElement<T>
    {
        private readonly T[] _runX, _runY, _sumX, _sumY;
        private readonly bool[] _runSet, _sumSet;
        private readonly int[] _chain;
        private readonly T[] _toX, _toY, _addX, _addY; // one step's staged additions
        private readonly IAffineAdditions<T> _additions = VectorBackend.Default.AffineAdditions<T>();
        private int _staged;

        private BucketSums(int chains)
        {
            (_runX, _runY, _sumX, _sumY) = (new T[chains], new T[chains], new T[chains], new T[chains]);
            (_runSet, _sumSet, _chain) = (new bool[chains], new bool[chains], new int[chains]);
            (_toX, _toY, _addX, _addY) = (new T[chains], new T[chains], new T[chains], new T[chains]);
        }

        /// <summary>Writes the sum of windows[w] into sums[w] for w in [first, last).</summary>
        public static void Compute(AffineBuckets<T>[] windows, int first, int last, JacobianPoint<T>[] sums)
        {
            if (last <= first)
            {
                return;
            }
            var count = windows[first].Count;
            var groups = Math.Clamp(count / 16, 1, 32); // few enough that combining them stays cheap
            var span = count / groups; // both powers of two
            var state = new BucketSums<T>(groups * (last - first));
            for (var t = span - 1; t >= 0; t--)
            {
                for (var w = first; w < last; w++)
                {
                    var buckets = windows[w];
                    for (var g = 0; g < groups; g++)
                    {
                        var b = g * span + t;
                        if (buckets.Filled[b])
                        {
                            var q = (w - first) * groups + g;
                            state.Stage(q, ref state._runX[q], ref state._runY[q], ref state._runSet[q], buckets.X[b], buckets.Y[b]);
                        }
                    }
                }
                state.AddStaged(state._runX, state._runY);
                for (var q = 0; q < state._runSet.Length; q++)
                {
                    if (state._runSet[q])
                    {
                        state.Stage(q, ref state._sumX[q], ref state._sumY[q], ref state._sumSet[q], state._runX[q], state._runY[q]);
                    }
                }
                state.AddStaged(state._sumX, state._sumY);
            }
            for (var w = first; w < last; w++)
            {
                sums[w] = state.Combine((w - first) * groups, groups, span);
            }
        }

        // Σ_g sum_g + span·Σ_g g·run_g for one window's groups, the latter as a running sum over the groups.
        private JacobianPoint<T> Combine(int firstChain, int groups, int span)
        {
            var sums = JacobianPoint<T>.Infinity;
            var upper = JacobianPoint<T>.Infinity;
            var offsets = JacobianPoint<T>.Infinity;
            for (var g = groups - 1; g >= 0; g--)
            {
                var q = firstChain + g;
                if (_sumSet[q])
                {
                    sums = sums.Add(AffinePoint<T>.At(_sumX[q], _sumY[q]));
                }
                offsets = offsets.Add(upper);
                if (_runSet[q])
                {
                    upper = upper.Add(AffinePoint<T>.At(_runX[q], _runY[q]));
                }
            }
            for (var shift = span; shift > 1; shift >>= 1)
            {
                offsets = offsets.Double();
            }
            return sums.Add(offsets);
        }

        /// <summary>
        /// Offers (x, y) += (qx, qy) for chain q: taken at once when (x, y) is empty or has the same x (a
        /// doubling or a cancellation, rare), else staged for the step's shared inversion.
        /// </summary>
        private void Stage(int q, ref T x, ref T y, ref bool set, in T qx, in T qy)
        {
            if (!set)
            {
                (x, y, set) = (qx, qy, true);
            }
            else if (EqualityComparer<T>.Default.Equals(x, qx)) // canonical values: equal x, equal words
            {
                (x, y, set) = SameX(x, y, qx, qy);
            }
            else
            {
                (_chain[_staged], _addX[_staged], _addY[_staged]) = (q, qx, qy);
                _staged++;
            }
        }

        // Completes the staged additions into (x, y)[chain].
        private void AddStaged(T[] x, T[] y)
        {
            for (var k = 0; k < _staged; k++)
            {
                (_toX[k], _toY[k]) = (x[_chain[k]], y[_chain[k]]);
            }
            _additions.Add(_toX.AsSpan(0, _staged), _toY.AsSpan(0, _staged), _addX.AsSpan(0, _staged), _addY.AsSpan(0, _staged));
            for (var k = 0; k < _staged; k++)
            {
                (x[_chain[k]], y[_chain[k]]) = (_toX[k], _toY[k]);
            }
            _staged = 0;
        }
    }

    /// <summary>P + Q for points with the same x: the point doubled, or nothing (Q = −P). Rare, so not batched.</summary>
    private static (T X, T Y, bool Set) SameX<T>(in T x, in T y, in T qx, in T qy) where T : struct, IFieldElement<T>
    {
        var sum = AffinePoint<T>.At(x, y).ToJacobian().Add(AffinePoint<T>.At(qx, qy)).ToAffine();
        return (sum.X, sum.Y, !sum.IsInfinity);
    }

    /// <summary>
    /// Additions batched per inversion: 512 (with the additions in lanes, 512 measured 5 to 10% faster
    /// than 256, 1,024 no better), but at most a quarter of the buckets, so that a batch fills before
    /// most points find their bucket already waiting in it.
    /// </summary>
    private static int BatchSize(long buckets) => (int)Math.Clamp(buckets / 4, 1, 512);

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
        private JacobianPoint<T>[]? _overflow; // made by the first spill (the top windows' crowded buckets)
        private readonly Batch _batch;
        private readonly int[] _batchBucket;
        private readonly T[] _batchX, _batchY, _bucketX, _bucketY; // a batch's points, and the buckets' points they are added to
        private readonly IAffineAdditions<T> _additions;
        private int _batched;
        private int _queued;

        /// <summary>
        /// What a set of buckets needs only while it is filled: the batch, its queue and the lanes'
        /// scratch (about 200 KB). A core fills its windows one after another with one of these.
        /// </summary>
        public sealed class Batch(int count)
        {
            internal readonly int[] Buckets = new int[BatchSize(count)];
            internal readonly T[] X = new T[BatchSize(count)], Y = new T[BatchSize(count)], BucketX = new T[BatchSize(count)], BucketY = new T[BatchSize(count)];
            internal (int Bucket, T X, T Y)[] Queue = new (int, T, T)[BatchSize(count)], Retry = new (int, T, T)[BatchSize(count)]; // swapped at each retry, not copied
            internal readonly IAffineAdditions<T> Additions = VectorBackend.Default.AffineAdditions<T>();
        }

        /// <param name="batch">Made for the same count; free again once <see cref="Complete"/> returns.</param>
        public AffineBuckets(int count, Batch batch)
        {
            _batchSize = BatchSize(count);
            _batch = batch;
            (_batchBucket, _batchX, _batchY, _bucketX, _bucketY, _additions) = (batch.Buckets, batch.X, batch.Y, batch.BucketX, batch.BucketY, batch.Additions);
            // A bucket's point is read only once it is filled. Memory a one-shot proof touches costs it
            // page faults, so these are not cleared, and the overflow is made only when a bucket spills.
            _x = GC.AllocateUninitializedArray<T>(count);
            _y = GC.AllocateUninitializedArray<T>(count);
            _filled = new bool[count];
            _waiting = new bool[count];
        }

        public int Count => _x.Length;

        /// <summary>Bucket b's point, affine, when <see cref="Filled"/>[b] (after <see cref="Finish"/> and <see cref="FoldOverflow"/>).</summary>
        public T[] X => _x;

        public T[] Y => _y;

        public bool[] Filled => _filled;

        /// <summary>Completes every pending addition and folds the overflow back: the buckets are then affine and final.</summary>
        public void Complete()
        {
            Finish();
            FoldOverflow();
        }

        /// <summary>Moves what the top windows' crowded buckets spilled into Jacobian form back into the affine buckets.</summary>
        private void FoldOverflow()
        {
            if (_overflow is null)
            {
                return;
            }
            var spilled = new List<int>();
            for (var b = 0; b < _overflow.Length; b++)
            {
                if (!_overflow[b].IsInfinity)
                {
                    spilled.Add(b);
                }
            }
            if (spilled.Count == 0)
            {
                return;
            }
            var points = spilled.Select(b => _filled[b] ? _overflow[b].Add(AffinePoint<T>.At(_x[b], _y[b])) : _overflow[b]).ToArray();
            var affine = JacobianPoint<T>.ToAffine(points);
            for (var i = 0; i < spilled.Count; i++)
            {
                var b = spilled[i];
                (_x[b], _y[b], _filled[b]) = (affine[i].X, affine[i].Y, !affine[i].IsInfinity);
                _overflow[b] = JacobianPoint<T>.Infinity;
            }
        }

        /// <summary>Adds digit·P through bucket |digit| − 1 (−P for a negative digit); a digit 0 adds nothing.</summary>
        public void Add(int digit, in AffinePoint<T> point)
        {
            if (digit == 0)
            {
                return;
            }
            Accumulate(Math.Abs(digit) - 1, point.X, digit > 0 ? point.Y : point.Y.Negate());
            if (_batched == _batchSize)
            {
                FlushAndRetry();
            }
        }

        // Completes every pending addition.
        private void Finish()
        {
            while (_batched > 0 || _queued > 0)
            {
                if (_batched < Math.Max(1, _batchSize / 16) && _queued > 0)
                {
                    // What is left piles onto a few buckets: a batch per point would cost an inversion each.
                    for (var i = 0; i < _queued; i++)
                    {
                        ref readonly var item = ref _batch.Queue[i];
                        Spill(item.Bucket, item.X, item.Y);
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
                    _batch.Queue[_queued++] = (bucket, x, y);
                }
                else
                {
                    Spill(bucket, x, y);
                }
                return;
            }
            if (EqualityComparer<T>.Default.Equals(x, _x[bucket])) // canonical values: equal x, equal words
            {
                (_x[bucket], _y[bucket], _filled[bucket]) = SameX(_x[bucket], _y[bucket], x, y);
                return;
            }
            _waiting[bucket] = true;
            _batchBucket[_batched] = bucket;
            _batchX[_batched] = x;
            _batchY[_batched] = y;
            _batched++;
        }

        private void Spill(int bucket, in T x, in T y)
        {
            if (_overflow is null)
            {
                _overflow = new JacobianPoint<T>[_x.Length];
                _overflow.AsSpan().Fill(JacobianPoint<T>.Infinity);
            }
            _overflow[bucket] = _overflow[bucket].Add(AffinePoint<T>.At(x, y));
        }

        // Completes the batch, then offers the queued points again (they may fill the next batch).
        private void FlushAndRetry()
        {
            Flush();
            var count = _queued;
            (_batch.Queue, _batch.Retry) = (_batch.Retry, _batch.Queue);
            _queued = 0;
            for (var i = 0; i < count; i++)
            {
                ref readonly var item = ref _batch.Retry[i];
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
            for (var k = 0; k < _batched; k++)
            {
                (_bucketX[k], _bucketY[k]) = (_x[_batchBucket[k]], _y[_batchBucket[k]]);
            }
            _additions.Add(_bucketX.AsSpan(0, _batched), _bucketY.AsSpan(0, _batched), _batchX.AsSpan(0, _batched), _batchY.AsSpan(0, _batched));
            for (var k = 0; k < _batched; k++)
            {
                var b = _batchBucket[k];
                (_x[b], _y[b]) = (_bucketX[k], _bucketY[k]);
                _waiting[b] = false;
            }
            _batched = 0;
        }
    }
}
