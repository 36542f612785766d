using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;
using Lanes = Aggregator.Crypto.Field.Lanes.LaneMontgomery<Aggregator.Crypto.Field.FrModulus>;

namespace Aggregator.Crypto.Poseidon;

/// <summary>
/// Four Poseidon hashes of one width at once, one per AVX2 lane: <see cref="PoseidonHash"/>'s rounds,
/// step for step, on <see cref="LaneMontgomery{TModulus}"/>. Values are held as x·2^261 mod q, the form
/// in which the lanes' product of two values is the value of their product. Each S-box takes a value
/// below 3q (its square then stays within the product's bound); a sum of products is reduced below
/// 2q before it reaches one.
/// </summary>
internal static class PoseidonLanes
{
    private static readonly Lazy<LaneParameters>[] ByWidth =
        [.. Enumerable.Range(PoseidonParameters.MinWidth, PoseidonParameters.MaxWidth - PoseidonParameters.MinWidth + 1)
            .Select(width => new Lazy<LaneParameters>(() => new LaneParameters(PoseidonParameters.ForWidth(width))))];

    // x·2^256 (an Fr as it is stored) times these, over 2^261: x·2^261 on the way in, and back out.
    private static readonly FieldLanes IntoLaneForm = Lanes.Broadcast(BigInteger.ModPow(2, 2 * 261 - 256, Fr.Modulus));
    private static readonly FieldLanes OutOfLaneForm = Lanes.Broadcast(BigInteger.ModPow(2, 256, Fr.Modulus));

    public static bool IsSupported => Lanes.IsSupported;

    /// <summary>
    /// Hashes outputs.Length (1 to 4) inputs of <paramref name="inputCount"/> elements each: hash h's
    /// inputs are inputs[h·inputCount ..], and its output goes to outputs[h].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashFour(ReadOnlySpan<Fr> inputs, int inputCount, Span<Fr> outputs)
    {
        var parameters = ByWidth[inputCount + 1 - PoseidonParameters.MinWidth].Value;
        var t = parameters.Width;
        Span<FieldLanes> state = stackalloc FieldLanes[t];
        Span<FieldLanes> scratch = stackalloc FieldLanes[t];
        FieldLanes term = default;
        ReadOnlySpan<FieldLanes> c = parameters.C;

        var words = MemoryMarshal.Cast<Fr, Vector256<ulong>>(inputs);
        state[0] = c[0];
        for (var i = 1; i < t; i++)
        {
            Lanes.Load(words, i - 1, inputCount, default, ref term);
            Lanes.Multiply(term, IntoLaneForm, ref state[i]);
            Lanes.Add(state[i], c[i], ref state[i]);
        }

        const int halfFull = PoseidonParameters.FullRounds / 2;
        for (var round = 1; round < halfFull; round++)
        {
            SBoxAddConstants(state, c.Slice(round * t, t), ref term);
            Mix(state, parameters.M, scratch, ref term);
        }
        SBoxAddConstants(state, c.Slice(halfFull * t, t), ref term);
        Mix(state, parameters.P, scratch, ref term);

        var partialConstants = c.Slice((halfFull + 1) * t, parameters.PartialRounds);
        ReadOnlySpan<FieldLanes> s = parameters.S;
        var sparseStride = 2 * t - 1;
        ref var first = ref state[0];
        ref var sum = ref scratch[0];
        for (var round = 0; round < partialConstants.Length; round++)
        {
            Pow5(ref first, ref term);
            Lanes.Add(first, partialConstants[round], ref first);
            var sparse = s.Slice(sparseStride * round, sparseStride);
            Lanes.Multiply(sparse[0], first, ref sum);
            for (var j = 1; j < t; j++)
            {
                Lanes.Multiply(sparse[j], state[j], ref term);
                Lanes.AddUnreduced(sum, term, ref sum);
                // state[j] grows by less than 2q a round: reduced every eight, it stays below 18q,
                // which the next product takes.
                Lanes.Multiply(first, sparse[t + j - 1], ref term);
                Lanes.Add(state[j], term, ref state[j]);
            }
            Lanes.Reduce(ref sum);
            first = sum;
            if (round % 8 == 7 || round == partialConstants.Length - 1)
            {
                for (var j = 1; j < t; j++)
                {
                    Lanes.Reduce(ref state[j]);
                }
            }
        }

        var secondHalfStart = (halfFull + 1) * t + parameters.PartialRounds;
        for (var round = 0; round < halfFull - 1; round++)
        {
            SBoxAddConstants(state, c.Slice(secondHalfStart + round * t, t), ref term);
            Mix(state, parameters.M, scratch, ref term);
        }
        // Only state[0] of the last mix is the output.
        ReadOnlySpan<FieldLanes> m = parameters.M;
        for (var j = 0; j < t; j++)
        {
            Pow5(ref state[j], ref term);
            Lanes.Multiply(m[j * t], state[j], ref term);
            if (j == 0)
            {
                sum = term;
            }
            else
            {
                Lanes.AddUnreduced(sum, term, ref sum);
            }
        }
        Lanes.Reduce(ref sum);
        Lanes.Multiply(sum, OutOfLaneForm, ref sum);
        Lanes.StoreCanonical(sum, MemoryMarshal.Cast<Fr, Vector256<ulong>>(outputs), 0, 1);
    }

    // x⁵ for x below 3q; the result is below 2q.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pow5(ref FieldLanes x, ref FieldLanes scratch)
    {
        Lanes.Multiply(x, x, ref scratch);
        Lanes.Multiply(scratch, scratch, ref scratch);
        Lanes.Multiply(scratch, x, ref x);
    }

    // state[i] = state[i]⁵ + constant[i]: below 3q.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SBoxAddConstants(Span<FieldLanes> state, ReadOnlySpan<FieldLanes> constants, ref FieldLanes scratch)
    {
        for (var i = 0; i < state.Length; i++)
        {
            Pow5(ref state[i], ref scratch);
            Lanes.Add(state[i], constants[i], ref state[i]);
        }
    }

    // state[i] = Σ_j matrix[j][i]·state[j], each sum reduced below 2q.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(Span<FieldLanes> state, ReadOnlySpan<FieldLanes> matrix, Span<FieldLanes> scratch, ref FieldLanes term)
    {
        var t = state.Length;
        for (var i = 0; i < t; i++)
        {
            ref var sum = ref scratch[i];
            Lanes.Multiply(matrix[i], state[0], ref sum);
            for (var j = 1; j < t; j++)
            {
                Lanes.Multiply(matrix[j * t + i], state[j], ref term);
                Lanes.AddUnreduced(sum, term, ref sum);
            }
            Lanes.Reduce(ref sum);
        }
        scratch.CopyTo(state);
    }

    /// <summary>One width's constants in lane form, the same value in all four lanes.</summary>
    private sealed class LaneParameters(PoseidonParameters parameters)
    {
        public int Width { get; } = parameters.Width;
        public int PartialRounds { get; } = parameters.PartialRounds;
        public FieldLanes[] C { get; } = InLaneForm(parameters.C);
        public FieldLanes[] M { get; } = InLaneForm(parameters.M);
        public FieldLanes[] P { get; } = InLaneForm(parameters.P);
        public FieldLanes[] S { get; } = InLaneForm(parameters.S);

        private static FieldLanes[] InLaneForm(Fr[] values) =>
            [.. values.Select(value => Lanes.Broadcast((value.ToBigInteger() << 261) % Fr.Modulus))];
    }
}
