using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// Multiples k·64ʲ·P (k = 1..63, j = 0..42) of a fixed G1 point in affine coordinates, so that k·P for
/// any 256-bit k is one mixed addition per 6-bit window of k and no doubling. Built once per
/// verification-key point (the IC points public inputs scale): 2,709 points, about 200 KB. Six bits
/// balance the per-proof additions (43; 64 with four bits) against the one-off build (three times four
/// bits' cost; eight bits would be eight times, for 32 additions).
/// </summary>
internal sealed class FixedBaseTable
{
    private const int WindowBits = 6;
    private const int Windows = (256 + WindowBits - 1) / WindowBits;
    private const int Digits = (1 << WindowBits) - 1;

    private readonly AffinePoint<Fq>[] _multiples; // [window * Digits + digit - 1]

    public FixedBaseTable(in AffinePoint<Fq> point)
    {
        var multiples = new JacobianPoint<Fq>[Windows * Digits];
        var windowBase = point;
        for (var window = 0; window < Windows; window++)
        {
            var multiple = windowBase.ToJacobian();
            for (var digit = 1; digit <= Digits; digit++)
            {
                multiples[window * Digits + digit - 1] = multiple;
                multiple = multiple.Add(windowBase);
            }
            windowBase = multiple.ToAffine(); // 64·windowBase
        }
        _multiples = JacobianPoint<Fq>.ToAffine(multiples);
    }

    /// <summary>k·P for 0 ≤ k &lt; 2^256.</summary>
    public JacobianPoint<Fq> Multiply(BigInteger scalar)
    {
        if (scalar.Sign < 0 || scalar.GetBitLength() > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(scalar), "the scalar must be in [0, 2^256)");
        }
        Span<byte> bytes = stackalloc byte[40]; // 256 bits and room for the last window's read
        bytes.Clear();
        scalar.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        var result = JacobianPoint<Fq>.Infinity;
        for (var window = 0; window < Windows; window++)
        {
            var bit = window * WindowBits;
            var digit = (int)(BitConverter.ToUInt16(bytes[(bit / 8)..]) >> (bit % 8)) & Digits;
            if (digit != 0)
            {
                result = result.Add(_multiples[window * Digits + digit - 1]);
            }
        }
        return result;
    }
}
