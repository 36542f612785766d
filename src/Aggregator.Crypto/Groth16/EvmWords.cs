using System.Numerics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Groth16;

/// <summary>
/// Points as the EVM's BN254 precompiles (EIP-196/197) and the Solidity verifiers take them: 32-byte
/// big-endian words, G1 as (x, y) and G2 as (x.c1, x.c0, y.c1, y.c0), imaginary part first. Every
/// coordinate must be canonical (below p) and every point on its curve; the point at infinity is refused.
/// </summary>
internal static class EvmWords
{
    public const int G1Bytes = 64, G2Bytes = 128;

    public static bool TryG1(ReadOnlySpan<byte> words, out AffinePoint<Fq> point)
    {
        point = default;
        if (!TryCoordinate(words[..32], out var x) || !TryCoordinate(words[32..64], out var y))
        {
            return false;
        }
        point = AffinePoint<Fq>.At(x, y);
        return !(x.IsZero && y.IsZero) && point.IsOnCurve(Curve.B);
    }

    public static bool TryG2(ReadOnlySpan<byte> words, out AffinePoint<Fq2> point)
    {
        point = default;
        if (!TryCoordinate(words[..32], out var x1) || !TryCoordinate(words[32..64], out var x0)
            || !TryCoordinate(words[64..96], out var y1) || !TryCoordinate(words[96..128], out var y0))
        {
            return false;
        }
        point = AffinePoint<Fq2>.At(new Fq2(x0, x1), new Fq2(y0, y1));
        return !(point.X.IsZero && point.Y.IsZero) && point.IsOnCurve(Curve.TwistB);
    }

    public static void Write(in AffinePoint<Fq> point, Span<byte> words)
    {
        Word(point.X, words[..32]);
        Word(point.Y, words[32..64]);
    }

    public static void Write(in AffinePoint<Fq2> point, Span<byte> words)
    {
        Word(point.X.C1, words[..32]);
        Word(point.X.C0, words[32..64]);
        Word(point.Y.C1, words[64..96]);
        Word(point.Y.C0, words[96..128]);
    }

    private static bool TryCoordinate(ReadOnlySpan<byte> word, out Fq value)
    {
        var number = new BigInteger(word, isUnsigned: true, isBigEndian: true);
        value = number < Fq.Modulus ? Fq.FromBigInteger(number) : default;
        return number < Fq.Modulus;
    }

    private static void Word(in Fq value, Span<byte> word)
    {
        word.Clear();
        var number = value.ToBigInteger();
        number.TryWriteBytes(word[(32 - number.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
    }
}
