using System.Numerics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Groth16;

/// <summary>
/// A Groth16 proof over BN254: the points A and C of G1 and B of G2, each on its curve and none the point
/// at infinity (checked when it is made). Whether B is in G2's subgroup is the verifier's check. Its
/// encoding is the Solidity verifiers' calldata: eight 32-byte words [a.x, a.y, b.x.c1, b.x.c0, b.y.c1,
/// b.y.c0, c.x, c.y] (docs/proofs.md).
/// </summary>
public sealed class Groth16Proof
{
    /// <summary>The encoding's length: 8 words of 32 bytes.</summary>
    public const int EncodedLength = 2 * EvmWords.G1Bytes + EvmWords.G2Bytes;

    internal Groth16Proof(AffinePoint<Fq> a, AffinePoint<Fq2> b, AffinePoint<Fq> c) => (A, B, C) = (a, b, c);

    internal AffinePoint<Fq> A { get; }

    internal AffinePoint<Fq2> B { get; }

    internal AffinePoint<Fq> C { get; }

    /// <summary>The proof from its points, or the reason it cannot be one (a point off its curve, or at infinity).</summary>
    internal static Groth16Proof? TryCreate(AffinePoint<Fq> a, AffinePoint<Fq2> b, AffinePoint<Fq> c, out string reason)
    {
        reason = !a.IsOnCurve(Curve.B) || a.IsInfinity ? "pi_a is not a point of G1"
            : !c.IsOnCurve(Curve.B) || c.IsInfinity ? "pi_c is not a point of G1"
            : !b.IsOnCurve(Curve.TwistB) || b.IsInfinity ? "pi_b is not a point of G2"
            : "";
        return reason.Length == 0 ? new Groth16Proof(a, b, c) : null;
    }

    /// <summary>Decodes the Solidity calldata form; never throws for a bad encoding.</summary>
    /// <param name="encoded">Exactly <see cref="EncodedLength"/> bytes.</param>
    /// <param name="proof">The proof, or null.</param>
    /// <param name="reason">Why it is not a proof, or "".</param>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out Groth16Proof? proof, out string reason)
    {
        proof = null;
        if (encoded.Length != EncodedLength)
        {
            reason = $"a proof is {EncodedLength} bytes, not {encoded.Length}";
            return false;
        }
        if (!EvmWords.TryG1(encoded[..64], out var a))
        {
            reason = "pi_a is not a point of G1 with coordinates below p";
            return false;
        }
        if (!EvmWords.TryG2(encoded[64..192], out var b))
        {
            reason = "pi_b is not a point of G2 with coordinates below p";
            return false;
        }
        if (!EvmWords.TryG1(encoded[192..], out var c))
        {
            reason = "pi_c is not a point of G1 with coordinates below p";
            return false;
        }
        proof = new Groth16Proof(a, b, c);
        reason = "";
        return true;
    }

    /// <summary>The Solidity calldata form, <see cref="EncodedLength"/> bytes.</summary>
    public byte[] Encode()
    {
        var encoded = new byte[EncodedLength];
        EvmWords.Write(A, encoded.AsSpan(0, 64));
        EvmWords.Write(B, encoded.AsSpan(64, 128));
        EvmWords.Write(C, encoded.AsSpan(192, 64));
        return encoded;
    }

    /// <summary>The calldata as the uint256[8] the registry's ABI takes.</summary>
    public BigInteger[] ToEvmWords()
    {
        var encoded = Encode();
        return [.. Enumerable.Range(0, 8).Select(i => new BigInteger(encoded.AsSpan(i * 32, 32), isUnsigned: true, isBigEndian: true))];
    }
}
