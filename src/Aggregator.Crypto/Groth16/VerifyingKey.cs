using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Groth16;

/// <summary>
/// A Groth16 verification key over BN254: α in G1, β, γ, δ in G2 (each in G2's subgroup), and IC, one G1
/// point more than the proofs' public inputs. Checked when it is made. Its encoding is α, β, γ, δ, then
/// every IC point, in the words of <see cref="Groth16Proof.Encode"/>.
/// </summary>
public sealed class VerifyingKey
{
    private VerifyingKey(AffinePoint<Fq> alpha, AffinePoint<Fq2> beta, AffinePoint<Fq2> gamma, AffinePoint<Fq2> delta, AffinePoint<Fq>[] ic) =>
        (Alpha, Beta, Gamma, Delta, IC) = (alpha, beta, gamma, delta, ic);

    internal AffinePoint<Fq> Alpha { get; }

    internal AffinePoint<Fq2> Beta { get; }

    internal AffinePoint<Fq2> Gamma { get; }

    internal AffinePoint<Fq2> Delta { get; }

    internal AffinePoint<Fq>[] IC { get; }

    /// <summary>How many public inputs a proof must carry.</summary>
    public int PublicInputCount => IC.Length - 1;

    /// <summary>A key from its points.</summary>
    /// <exception cref="ProofFormatException">A point off its curve or, for G2, outside the subgroup, named; or no IC point.</exception>
    internal static VerifyingKey Create(AffinePoint<Fq> alpha, AffinePoint<Fq2> beta, AffinePoint<Fq2> gamma, AffinePoint<Fq2> delta, AffinePoint<Fq>[] ic)
    {
        if (ic.Length == 0)
        {
            throw new ProofFormatException("the verification key has no IC points");
        }
        G1(alpha, "vk_alpha_1");
        G2(beta, "vk_beta_2");
        G2(gamma, "vk_gamma_2");
        G2(delta, "vk_delta_2");
        for (var i = 0; i < ic.Length; i++)
        {
            G1(ic[i], $"IC[{i}]");
        }
        return new VerifyingKey(alpha, beta, gamma, delta, ic);
    }

    /// <summary>Decodes a key: α (64 bytes), β, γ, δ (128 each), then IC points (64 each, at least one).</summary>
    /// <exception cref="ProofFormatException">A length that is not such a key, or a point that is not valid, named.</exception>
    public static VerifyingKey Decode(ReadOnlySpan<byte> encoded)
    {
        const int fixedPart = EvmWords.G1Bytes + 3 * EvmWords.G2Bytes;
        if (encoded.Length < fixedPart + EvmWords.G1Bytes || (encoded.Length - fixedPart) % EvmWords.G1Bytes != 0)
        {
            throw new ProofFormatException($"{encoded.Length} bytes is not a verification key (α, β, γ, δ and at least one IC point)");
        }
        static AffinePoint<Fq> ReadG1(ReadOnlySpan<byte> words, string name) =>
            EvmWords.TryG1(words, out var point) ? point : throw new ProofFormatException($"{name} is not a point of G1 with coordinates below p");
        static AffinePoint<Fq2> ReadG2(ReadOnlySpan<byte> words, string name) =>
            EvmWords.TryG2(words, out var point) ? point : throw new ProofFormatException($"{name} is not a point of G2 with coordinates below p");
        var ic = new AffinePoint<Fq>[(encoded.Length - fixedPart) / EvmWords.G1Bytes];
        for (var i = 0; i < ic.Length; i++)
        {
            ic[i] = ReadG1(encoded.Slice(fixedPart + (i * EvmWords.G1Bytes), EvmWords.G1Bytes), $"IC[{i}]");
        }
        return Create(
            ReadG1(encoded[..64], "vk_alpha_1"),
            ReadG2(encoded[64..192], "vk_beta_2"),
            ReadG2(encoded[192..320], "vk_gamma_2"),
            ReadG2(encoded[320..448], "vk_delta_2"),
            ic);
    }

    /// <summary>The key's encoding (<see cref="Decode"/>).</summary>
    public byte[] Encode()
    {
        var encoded = new byte[EvmWords.G1Bytes + (3 * EvmWords.G2Bytes) + (IC.Length * EvmWords.G1Bytes)];
        EvmWords.Write(Alpha, encoded.AsSpan(0, 64));
        EvmWords.Write(Beta, encoded.AsSpan(64, 128));
        EvmWords.Write(Gamma, encoded.AsSpan(192, 128));
        EvmWords.Write(Delta, encoded.AsSpan(320, 128));
        for (var i = 0; i < IC.Length; i++)
        {
            EvmWords.Write(IC[i], encoded.AsSpan(448 + (i * 64), 64));
        }
        return encoded;
    }

    private static void G1(in AffinePoint<Fq> point, string name)
    {
        if (!point.IsOnCurve(Curve.B))
        {
            throw new ProofFormatException($"{name} is not on the curve");
        }
    }

    private static void G2(in AffinePoint<Fq2> point, string name)
    {
        if (!point.IsOnCurve(Curve.TwistB) || !Curve.IsInG2Subgroup(point))
        {
            throw new ProofFormatException($"{name} is not a point of G2");
        }
    }
}
