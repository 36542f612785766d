using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;

namespace Aggregator.Proving.Witness;

/// <summary>
/// The circuits of circuits/src and the circomlib templates they use, computed natively: every signal
/// of every component, named as circom names it, with every check (<c>===</c>, the range of a
/// <c>Num2Bits</c>) that circom's witness calculator asserts. Templates emit in any order of their own;
/// what matters is that the order never depends on the values (<see cref="WitnessTrace"/>).
/// </summary>
internal static class CircuitTemplates
{
    private const int RangeBits = 64;
    private const int RatioBits = 32;
    // ratio · liabilities < 2^32 · 2^65 and 10000 · reserves < 2^78: both below 2^98.
    private const int CoverageBits = 98;
    private static readonly Fr FullCoverage = Fr.FromBigInteger(10_000);
    // collateral.circom: weights of at most 10000 in 14 bits; proof decimals scaled to MaxDecimals = 18
    // by an exponent of 5 bits; each value term below 2^202 and their sum and the threshold side below 2^205.
    private const int WeightBits = 14;
    private const int ExponentBits = 5;
    private const int ValueBits = 205;
    private static readonly Fr MaxDecimals = Fr.FromUInt64(18);
    private static readonly Fr ThresholdScale = Fr.FromBigInteger(System.Numerics.BigInteger.Pow(10, 22));

    /// <summary>Inclusion(D, K) of circuits/src/inclusion.circom; the inputs in its declaration order.</summary>
    public static void Inclusion(WitnessTrace t, int depth, int assets, InclusionInputs input)
    {
        t.Emit(input.LeafHash, $"main.leafHash");
        BindingInputs(t, input.Commitment, input.ParamsHash, input.Epoch, input.Publisher);
        t.Emit(input.IdHash, $"main.idHash");
        EmitAll(t, input.Balances, "main.balances");
        PathInputs(t, depth, assets, input.Path);

        var leaf = Leaf(t, input.IdHash, input.Balances);
        t.Require(leaf == input.LeafHash, $"main.leaf.out === main.leafHash");
        var root = MerklePath(t, "main.path", depth, assets, input.LeafHash, input.Balances, input.Path);
        var commitment = Commitment(t, "main.bound", root, input.ParamsHash, input.Epoch, input.Publisher);
        t.Require(commitment == input.Commitment, $"main.bound.commitment === main.commitment");
    }

    /// <summary>Collateral(D, K) of circuits/src/collateral.circom; the inputs in its declaration order.</summary>
    public static void Collateral(WitnessTrace t, int depth, int assets, CollateralInputs input)
    {
        BindingInputs(t, input.Commitment, input.ParamsHash, input.Epoch, input.Publisher);
        EmitAll(t, input.Prices, "main.prices");
        EmitAll(t, input.Weights, "main.weights");
        t.Emit(input.Threshold, $"main.threshold");
        t.Emit(input.Subject, $"main.subject");
        t.Emit(input.Scope, $"main.scope");
        t.Emit(input.Nullifier, $"main.nullifier");
        t.Emit(input.IdHash, $"main.idHash");
        EmitAll(t, input.Balances, "main.balances");
        PathInputs(t, depth, assets, input.Path);
        EmitAll(t, input.AssetCodes, "main.assetCodes");
        EmitAll(t, input.ProofDecimals, "main.proofDecimals");

        var leaf = Leaf(t, input.IdHash, input.Balances);
        var root = MerklePath(t, "main.path", depth, assets, leaf, input.Balances, input.Path);
        var commitment = Commitment(t, "main.bound", root, input.ParamsHash, input.Epoch, input.Publisher);
        t.Require(commitment == input.Commitment, $"main.bound.commitment === main.commitment");

        Span<Fr> layout = stackalloc Fr[2 + 2 * assets];
        layout[0] = Fr.FromUInt64((ulong)depth);
        layout[1] = Fr.FromUInt64((ulong)assets);
        for (var k = 0; k < assets; k++)
        {
            layout[2 + 2 * k] = input.AssetCodes[k];
            layout[3 + 2 * k] = input.ProofDecimals[k];
        }
        t.Require(Poseidon(t, "main.params", layout) == input.ParamsHash, $"main.params.out === main.paramsHash");

        var total = Fr.Zero;
        for (var k = 0; k < assets; k++)
        {
            RangeCheck(t, t.Prefix($"main.priceRange[{k}]"), input.Prices[k]);
            RangeCheck(t, t.Prefix($"main.weightRange[{k}]"), input.Weights[k], WeightBits);
            var atMostFull = LessEqThan(t, t.Prefix($"main.weightAtMostFull[{k}]"), input.Weights[k], FullCoverage, WeightBits);
            t.Require(atMostFull == Fr.One, $"main.weightAtMostFull[{k}].out === 1");
            var scale = ScaleToMaxDecimals(t, t.Prefix($"main.scales[{k}]"), input.ProofDecimals[k]);
            var value = t.Emit(input.Balances[k] * input.Prices[k], $"main.value[{k}]");
            var weighted = t.Emit(value * input.Weights[k], $"main.weighted[{k}]");
            total += t.Emit(weighted * scale, $"main.scaled[{k}]");
        }
        RangeCheck(t, "main.thresholdRange", input.Threshold);
        var reaches = LessEqThan(t, "main.reaches", input.Threshold * ThresholdScale, total, ValueBits);
        t.Require(reaches == Fr.One, $"main.reaches.out === 1");

        ReadOnlySpan<Fr> nullifierInputs = [input.IdHash, input.Scope];
        t.Require(Poseidon(t, "main.nullifies", nullifierInputs) == input.Nullifier, $"main.nullifies.out === main.nullifier");
        t.Emit(input.Subject * input.Subject, $"main.subjectSquare");
    }

    // The leaf Poseidon(idHash, balances) with each balance range-checked, as both leaf-proving circuits
    // compute it (component `leaf`, range checks `balanceRange`).
    private static Fr Leaf(WitnessTrace t, in Fr idHash, ReadOnlySpan<Fr> balances)
    {
        Span<Fr> leafInputs = stackalloc Fr[balances.Length + 1];
        leafInputs[0] = idHash;
        balances.CopyTo(leafInputs[1..]);
        var leaf = Poseidon(t, "main.leaf", leafInputs);
        for (var k = 0; k < balances.Length; k++)
        {
            RangeCheck(t, t.Prefix($"main.balanceRange[{k}]"), balances[k]);
        }
        return leaf;
    }

    // The path inputs, in the circuits' declaration order.
    private static void PathInputs(WitnessTrace t, int depth, int assets, PathInputs path)
    {
        for (var i = 0; i < depth; i++)
        {
            t.Emit(path.SiblingHashes[i], $"main.siblingHashes[{i}]");
            t.Emit(path.SiblingIsLeft[i], $"main.siblingIsLeft[{i}]");
            for (var k = 0; k < assets; k++)
            {
                t.Emit(path.SiblingSums[i * assets + k], $"main.siblingSums[{i}][{k}]");
            }
        }
    }

    // MerklePath(D, K) of merkle_sum.circom: from the leaf to the root; returns the root's hash.
    private static Fr MerklePath(WitnessTrace t, string p, int depth, int assets, in Fr leafHash, ReadOnlySpan<Fr> balances, PathInputs path)
    {
        t.Emit(leafHash, $"{p}.leafHash");
        for (var k = 0; k < assets; k++)
        {
            t.Emit(balances[k], $"{p}.balances[{k}]");
        }
        for (var i = 0; i < depth; i++)
        {
            t.Emit(path.SiblingHashes[i], $"{p}.siblingHashes[{i}]");
            t.Emit(path.SiblingIsLeft[i], $"{p}.siblingIsLeft[{i}]");
            for (var k = 0; k < assets; k++)
            {
                t.Emit(path.SiblingSums[i * assets + k], $"{p}.siblingSums[{i}][{k}]");
            }
        }
        var hash = t.Emit(leafHash, $"{p}.hashes[0]");
        Span<Fr> sums = stackalloc Fr[assets];
        for (var k = 0; k < assets; k++)
        {
            sums[k] = t.Emit(balances[k], $"{p}.sums[0][{k}]");
        }
        Span<Fr> leftSums = stackalloc Fr[assets];
        Span<Fr> rightSums = stackalloc Fr[assets];
        for (var i = 0; i < depth; i++)
        {
            var isLeft = path.SiblingIsLeft[i];
            var sibling = path.SiblingHashes[i];
            t.Require((isLeft * (Fr.One - isLeft)).IsZero, $"{p}.siblingIsLeft[{i}] * (1 - {p}.siblingIsLeft[{i}]) === 0");
            var leftHash = t.Emit(hash + isLeft * (sibling - hash), $"{p}.leftHash[{i}]");
            var rightHash = hash + sibling - leftHash;
            for (var k = 0; k < assets; k++)
            {
                var siblingSum = path.SiblingSums[i * assets + k];
                RangeCheck(t, t.Prefix($"{p}.siblingRange[{i}][{k}]"), siblingSum);
                leftSums[k] = t.Emit(sums[k] + isLeft * (siblingSum - sums[k]), $"{p}.leftSums[{i}][{k}]");
                rightSums[k] = sums[k] + siblingSum - leftSums[k];
                sums[k] = t.Emit(sums[k] + siblingSum, $"{p}.sums[{i + 1}][{k}]");
                RangeCheck(t, t.Prefix($"{p}.sumRange[{i}][{k}]"), sums[k]);
            }
            hash = t.Emit(NodeHash(t, t.Prefix($"{p}.nodes[{i}]"), leftHash, leftSums, rightHash, rightSums), $"{p}.hashes[{i + 1}]");
        }
        return t.Emit(hash, $"{p}.rootHash");
    }

    // ScaleToMaxDecimals(MAX) of collateral.circom: 10^(MAX − decimals) from the exponent's five bits.
    private static Fr ScaleToMaxDecimals(WitnessTrace t, string p, in Fr decimals)
    {
        t.Emit(decimals, $"{p}.decimals");
        var exponent = t.Emit(MaxDecimals - decimals, $"{p}.exponent");
        Num2Bits(t, t.Prefix($"{p}.bits"), exponent, ExponentBits);
        var notAbove = LessEqThan(t, t.Prefix($"{p}.notAbove"), exponent, MaxDecimals, ExponentBits);
        t.Require(notAbove == Fr.One, $"{p}.notAbove.out === 1");
        exponent.ToCanonicalLimbs(out var bits, out _, out _, out _);
        var partial = t.Emit(Fr.One, $"{p}.partial[0]");
        var factor = Fr.FromUInt64(10);
        for (var i = 0; i < ExponentBits; i++)
        {
            var bit = (bits >> i & 1) == 0 ? Fr.Zero : Fr.One;
            partial = t.Emit(partial * (Fr.One + bit * (factor - Fr.One)), $"{p}.partial[{i + 1}]");
            factor *= factor;
        }
        return t.Emit(partial, $"{p}.scale");
    }

    private static void EmitAll(WitnessTrace t, ReadOnlySpan<Fr> values, string name)
    {
        for (var k = 0; k < values.Length; k++)
        {
            t.Emit(values[k], $"{name}[{k}]");
        }
    }

    /// <summary>Solvency(K) of circuits/src/solvency.circom.</summary>
    public static void Solvency(WitnessTrace t, int assets, SolvencyInputs input)
    {
        BindingInputs(t, input.Commitment, input.ParamsHash, input.Epoch, input.Publisher);
        t.Emit(input.LeftHash, $"main.leftHash");
        t.Emit(input.RightHash, $"main.rightHash");
        for (var k = 0; k < assets; k++)
        {
            t.Emit(input.Reserves[k], $"main.reserves[{k}]");
            t.Emit(input.Ratios[k], $"main.ratios[{k}]");
            t.Emit(input.LeftSums[k], $"main.leftSums[{k}]");
            t.Emit(input.RightSums[k], $"main.rightSums[{k}]");
        }
        var root = NodeHash(t, "main.root", input.LeftHash, input.LeftSums, input.RightHash, input.RightSums);
        for (var k = 0; k < assets; k++)
        {
            RangeCheck(t, t.Prefix($"main.ranges[0][{k}]"), input.LeftSums[k]);
            RangeCheck(t, t.Prefix($"main.ranges[1][{k}]"), input.RightSums[k]);
            RangeCheck(t, t.Prefix($"main.ranges[2][{k}]"), input.Reserves[k]);
            RangeCheck(t, t.Prefix($"main.ranges[3][{k}]"), input.Ratios[k], RatioBits);
            var atLeastFull = LessEqThan(t, t.Prefix($"main.atLeastFull[{k}]"), FullCoverage, input.Ratios[k], RatioBits);
            t.Require(atLeastFull == Fr.One, $"main.atLeastFull[{k}].out === 1");
            var covered = LessEqThan(t, t.Prefix($"main.covered[{k}]"), input.Ratios[k] * (input.LeftSums[k] + input.RightSums[k]), FullCoverage * input.Reserves[k], CoverageBits);
            t.Require(covered == Fr.One, $"main.covered[{k}].out === 1");
        }
        var commitment = Commitment(t, "main.bound", root, input.ParamsHash, input.Epoch, input.Publisher);
        t.Require(commitment == input.Commitment, $"main.bound.commitment === main.commitment");
    }

    // The public inputs both circuits share: the commitment and what it binds.
    private static void BindingInputs(WitnessTrace t, in Fr commitment, in Fr paramsHash, in Fr epoch, in Fr publisher)
    {
        t.Emit(commitment, $"main.commitment");
        t.Emit(paramsHash, $"main.paramsHash");
        t.Emit(epoch, $"main.epoch");
        t.Emit(publisher, $"main.publisher");
    }

    // NodeHash(K) of merkle_sum.circom: Poseidon(lh, ls[0..K-1], rh, rs[0..K-1]).
    private static Fr NodeHash(WitnessTrace t, string p, in Fr leftHash, ReadOnlySpan<Fr> leftSums, in Fr rightHash, ReadOnlySpan<Fr> rightSums)
    {
        var assets = leftSums.Length;
        t.Emit(leftHash, $"{p}.leftHash");
        t.Emit(rightHash, $"{p}.rightHash");
        Span<Fr> inputs = stackalloc Fr[2 * assets + 2];
        inputs[0] = leftHash;
        inputs[assets + 1] = rightHash;
        for (var k = 0; k < assets; k++)
        {
            inputs[1 + k] = t.Emit(leftSums[k], $"{p}.leftSums[{k}]");
            inputs[assets + 2 + k] = t.Emit(rightSums[k], $"{p}.rightSums[{k}]");
        }
        return t.Emit(Poseidon(t, t.Prefix($"{p}.poseidon"), inputs), $"{p}.hash");
    }

    // Commitment() of merkle_sum.circom: Poseidon(rootHash, paramsHash, epoch, publisher).
    private static Fr Commitment(WitnessTrace t, string p, in Fr rootHash, in Fr paramsHash, in Fr epoch, in Fr publisher)
    {
        ReadOnlySpan<Fr> inputs = [t.Emit(rootHash, $"{p}.rootHash"), t.Emit(paramsHash, $"{p}.paramsHash"), t.Emit(epoch, $"{p}.epoch"), t.Emit(publisher, $"{p}.publisher")];
        return t.Emit(Poseidon(t, t.Prefix($"{p}.poseidon"), inputs), $"{p}.commitment");
    }

    // RangeCheck(bits) of merkle_sum.circom: Num2Bits(bits) of the value.
    private static void RangeCheck(WitnessTrace t, string p, in Fr value, int bits = RangeBits)
    {
        t.Emit(value, $"{p}.in");
        Num2Bits(t, t.Prefix($"{p}.n2b"), value, bits);
    }

    // circomlib LessEqThan(n): LessThan(n) of in[0] and in[1] + 1.
    private static Fr LessEqThan(WitnessTrace t, string p, in Fr a, in Fr b, int bits)
    {
        t.Emit(a, $"{p}.in[0]");
        t.Emit(b, $"{p}.in[1]");
        return t.Emit(LessThan(t, t.Prefix($"{p}.lt"), a, b + Fr.One, bits), $"{p}.out");
    }

    // circomlib LessThan(n): 1 − bit n of in[0] + 2^n − in[1].
    private static Fr LessThan(WitnessTrace t, string p, in Fr a, in Fr b, int bits)
    {
        t.Emit(a, $"{p}.in[0]");
        t.Emit(b, $"{p}.in[1]");
        var top = Num2Bits(t, t.Prefix($"{p}.n2b"), a + Fr.FromBigInteger(System.Numerics.BigInteger.One << bits) - b, bits + 1);
        return t.Emit(Fr.One - top, $"{p}.out");
    }

    // circomlib Num2Bits(n): the low n bits of the value's canonical form, which must be all of it. Returns the top bit.
    private static Fr Num2Bits(WitnessTrace t, string p, in Fr value, int bits)
    {
        t.Emit(value, $"{p}.in");
        value.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        Span<ulong> limbs = [l0, l1, l2, l3];
        var bit = Fr.Zero;
        for (var i = 0; i < bits; i++)
        {
            bit = t.Emit((limbs[i >> 6] >> (i & 63) & 1) == 0 ? Fr.Zero : Fr.One, $"{p}.out[{i}]");
        }
        // Every bit from `bits` up must be zero (bits < 256 here).
        var above = limbs[bits >> 6] >> (bits & 63);
        for (var l = (bits >> 6) + 1; l < limbs.Length; l++)
        {
            above |= limbs[l];
        }
        t.Require(above == 0, $"{p}: Σ out[i]·2^i === in (in below 2^{bits})");
        return bit;
    }

    /// <summary>circomlib Poseidon(nInputs): PoseidonEx(nInputs, 1) with initial state 0.</summary>
    private static Fr Poseidon(WitnessTrace t, string p, ReadOnlySpan<Fr> inputs)
    {
        for (var i = 0; i < inputs.Length; i++)
        {
            t.Emit(inputs[i], $"{p}.inputs[{i}]");
        }
        return t.Emit(PoseidonEx(t, t.Prefix($"{p}.pEx"), inputs), $"{p}.out");
    }

    // circomlib PoseidonEx(nInputs, 1): the optimized rounds (Ark, Sigma, Mix, MixS, MixLast) signal by signal.
    private static Fr PoseidonEx(WitnessTrace t, string p, ReadOnlySpan<Fr> inputs)
    {
        var parameters = PoseidonParameters.ForWidth(inputs.Length + 1);
        var width = parameters.Width;
        ReadOnlySpan<Fr> c = parameters.C;
        const int half = PoseidonParameters.FullRounds / 2;
        Span<Fr> state = stackalloc Fr[width];
        Span<Fr> scratch = stackalloc Fr[width];
        for (var i = 0; i < inputs.Length; i++)
        {
            state[i + 1] = t.Emit(inputs[i], $"{p}.inputs[{i}]");
        }
        state[0] = t.Emit(Fr.Zero, $"{p}.initialState");
        Ark(t, t.Prefix($"{p}.ark[0]"), state, c[..width]);
        for (var r = 0; r < half; r++)
        {
            Sigmas(t, p, r, state);
            Ark(t, t.Prefix($"{p}.ark[{r + 1}]"), state, c.Slice((r + 1) * width, width));
            Mix(t, t.Prefix($"{p}.mix[{r}]"), state, r < half - 1 ? parameters.M : parameters.P, scratch);
        }
        ReadOnlySpan<Fr> sparse = parameters.S;
        var stride = 2 * width - 1;
        for (var r = 0; r < parameters.PartialRounds; r++)
        {
            var m = t.Prefix($"{p}.mixS[{r}]");
            state[0] = Sigma(t, t.Prefix($"{p}.sigmaP[{r}]"), state[0]) + c[(half + 1) * width + r];
            for (var j = 0; j < width; j++)
            {
                t.Emit(state[j], $"{m}.in[{j}]");
            }
            var s = sparse.Slice(stride * r, stride);
            var first = state[0];
            var s0 = Fr.Zero;
            for (var i = 0; i < width; i++)
            {
                s0 += s[i] * state[i];
            }
            state[0] = t.Emit(s0, $"{m}.out[0]");
            for (var i = 1; i < width; i++)
            {
                state[i] = t.Emit(state[i] + first * s[width + i - 1], $"{m}.out[{i}]");
            }
        }
        var secondHalf = (half + 1) * width + parameters.PartialRounds;
        for (var r = 0; r < half - 1; r++)
        {
            Sigmas(t, p, half + r, state);
            Ark(t, t.Prefix($"{p}.ark[{half + r + 1}]"), state, c.Slice(secondHalf + r * width, width));
            Mix(t, t.Prefix($"{p}.mix[{half + r}]"), state, parameters.M, scratch);
        }
        Sigmas(t, p, PoseidonParameters.FullRounds - 1, state);
        ReadOnlySpan<Fr> mds = parameters.M;
        var output = Fr.Zero;
        for (var j = 0; j < width; j++)
        {
            output += mds[j * width] * t.Emit(state[j], $"{p}.mixLast[0].in[{j}]");
        }
        t.Emit(output, $"{p}.mixLast[0].out");
        return t.Emit(output, $"{p}.out[0]");
    }

    // Ark: out[i] = in[i] + C[r + i].
    private static void Ark(WitnessTrace t, string p, Span<Fr> state, ReadOnlySpan<Fr> constants)
    {
        for (var j = 0; j < state.Length; j++)
        {
            t.Emit(state[j], $"{p}.in[{j}]");
            state[j] = t.Emit(state[j] + constants[j], $"{p}.out[{j}]");
        }
    }

    // sigmaF[round][j] for every j: the full round's S-boxes.
    private static void Sigmas(WitnessTrace t, string p, int round, Span<Fr> state)
    {
        for (var j = 0; j < state.Length; j++)
        {
            state[j] = Sigma(t, t.Prefix($"{p}.sigmaF[{round}][{j}]"), state[j]);
        }
    }

    // Sigma: in2 = in², in4 = in2², out = in4·in.
    private static Fr Sigma(WitnessTrace t, string p, in Fr value)
    {
        t.Emit(value, $"{p}.in");
        var in2 = t.Emit(value * value, $"{p}.in2");
        var in4 = t.Emit(in2 * in2, $"{p}.in4");
        return t.Emit(in4 * value, $"{p}.out");
    }

    // Mix: out[i] = Σ_j M[j][i]·in[j].
    private static void Mix(WitnessTrace t, string p, Span<Fr> state, ReadOnlySpan<Fr> matrix, Span<Fr> scratch)
    {
        var width = state.Length;
        for (var j = 0; j < width; j++)
        {
            t.Emit(state[j], $"{p}.in[{j}]");
        }
        for (var i = 0; i < width; i++)
        {
            var sum = Fr.Zero;
            for (var j = 0; j < width; j++)
            {
                sum += matrix[j * width + i] * state[j];
            }
            scratch[i] = t.Emit(sum, $"{p}.out[{i}]");
        }
        scratch.CopyTo(state);
    }
}
