using System.Runtime.CompilerServices;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Poseidon;

/// <summary>
/// Poseidon over BN254 exactly as circomlib's circuit and circomlibjs compute it (8 full rounds, the
/// optimized sparse partial rounds, initial state 0, output state[0]). Allocation-free.
/// </summary>
public static class PoseidonHash
{
    public const int MaxInputs = PoseidonParameters.MaxWidth - 1;

    /// <summary>Poseidon(inputs) for 1..16 inputs.</summary>
    public static Fr Hash(ReadOnlySpan<Fr> inputs)
    {
        if (inputs.Length is < 1 or > MaxInputs)
        {
            throw new ArgumentException($"Poseidon takes 1..{MaxInputs} inputs, not {inputs.Length}", nameof(inputs));
        }
        var parameters = PoseidonParameters.ForWidth(inputs.Length + 1);
        int t = parameters.Width;
        Span<Fr> state = stackalloc Fr[PoseidonParameters.MaxWidth];
        Span<Fr> scratch = stackalloc Fr[PoseidonParameters.MaxWidth];
        state = state[..t];
        scratch = scratch[..t];
        ReadOnlySpan<Fr> c = parameters.C;
        ReadOnlySpan<Fr> m = parameters.M;

        state[0] = c[0];
        for (int i = 1; i < t; i++)
        {
            state[i] = inputs[i - 1] + c[i];
        }

        const int halfFull = PoseidonParameters.FullRounds / 2;
        for (int round = 1; round < halfFull; round++)
        {
            SBoxAddConstants(state, c.Slice(round * t, t));
            Mix(state, m, scratch);
        }
        SBoxAddConstants(state, c.Slice(halfFull * t, t));
        Mix(state, parameters.P, scratch);

        ReadOnlySpan<Fr> partialConstants = c.Slice((halfFull + 1) * t, parameters.PartialRounds);
        ReadOnlySpan<Fr> s = parameters.S;
        int sparseStride = 2 * t - 1;
        for (int round = 0; round < partialConstants.Length; round++)
        {
            state[0] = Fr.Pow5(state[0]) + partialConstants[round];
            ReadOnlySpan<Fr> sparse = s.Slice(sparseStride * round, sparseStride);
            Fr first = state[0];
            Fr s0 = sparse[0] * first;
            for (int j = 1; j < t; j++)
            {
                s0 += sparse[j] * state[j];
                state[j] += first * sparse[t + j - 1];
            }
            state[0] = s0;
        }

        int secondHalfStart = (halfFull + 1) * t + parameters.PartialRounds;
        for (int round = 0; round < halfFull - 1; round++)
        {
            SBoxAddConstants(state, c.Slice(secondHalfStart + round * t, t));
            Mix(state, m, scratch);
        }
        for (int i = 0; i < t; i++)
        {
            state[i] = Fr.Pow5(state[i]);
        }
        // Only state[0] of the last mix is the output.
        Fr output = Fr.Zero;
        for (int j = 0; j < t; j++)
        {
            output += m[j * t] * state[j];
        }
        return output;
    }

    /// <summary>
    /// Poseidon of many inputs of one width at once: hash h's <paramref name="inputsPerHash"/> inputs are
    /// inputs[h·inputsPerHash ..], and its output goes to outputs[h]. Four at a time in AVX2 lanes where
    /// the CPU has them (a third to a quarter of the time per hash), one by one where it does not.
    /// </summary>
    public static void HashMany(ReadOnlySpan<Fr> inputs, int inputsPerHash, Span<Fr> outputs) =>
        HashMany(inputs, inputsPerHash, outputs, PoseidonLanes.IsSupported);

    internal static void HashMany(ReadOnlySpan<Fr> inputs, int inputsPerHash, Span<Fr> outputs, bool inLanes)
    {
        if (inputsPerHash is < 1 or > MaxInputs)
        {
            throw new ArgumentOutOfRangeException(nameof(inputsPerHash), inputsPerHash, $"Poseidon takes 1..{MaxInputs} inputs");
        }
        if (inputs.Length != outputs.Length * inputsPerHash)
        {
            throw new ArgumentException($"{outputs.Length} hashes of {inputsPerHash} inputs need {outputs.Length * inputsPerHash} inputs, not {inputs.Length}", nameof(inputs));
        }
        var done = 0;
        if (inLanes)
        {
            for (; done < outputs.Length; done += 4)
            {
                var count = Math.Min(4, outputs.Length - done);
                PoseidonLanes.HashFour(inputs.Slice(done * inputsPerHash, count * inputsPerHash), inputsPerHash, outputs.Slice(done, count));
            }
            return;
        }
        for (; done < outputs.Length; done++)
        {
            outputs[done] = Hash(inputs.Slice(done * inputsPerHash, inputsPerHash));
        }
    }

    /// <summary>Poseidon(a, b).</summary>
    public static Fr Hash(in Fr a, in Fr b)
    {
        Span<Fr> inputs = [a, b];
        return Hash(inputs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SBoxAddConstants(Span<Fr> state, ReadOnlySpan<Fr> constants)
    {
        for (int i = 0; i < state.Length; i++)
        {
            state[i] = Fr.Pow5(state[i]) + constants[i];
        }
    }

    // state[i] = Σ_j matrix[j][i]·state[j]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(Span<Fr> state, ReadOnlySpan<Fr> matrix, Span<Fr> scratch)
    {
        int t = state.Length;
        for (int i = 0; i < t; i++)
        {
            Fr sum = Fr.Zero;
            for (int j = 0; j < t; j++)
            {
                sum += matrix[j * t + i] * state[j];
            }
            scratch[i] = sum;
        }
        scratch.CopyTo(state);
    }
}
