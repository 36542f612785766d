using System.Numerics;

namespace Aggregator.Proofs.Bn254;

/// <summary>
/// Multiples k·256ʲ·P (k = 1..255, j = 0..31) of a fixed G1 point in affine coordinates, so that k·P for
/// any 256-bit k is one mixed addition per byte of k and no doubling. Built once per verification-key
/// point (the IC points public inputs scale): 8,160 points, about 0.6 MB.
/// </summary>
internal sealed class FixedBaseTable
{
    private const int WindowBits = 4;
    private const int Windows = 256 / WindowBits;
    private const int Digits = (1 << WindowBits) - 1;

    private readonly AffinePoint<Fq>[] _multiples; // [window * Digits + digit - 1]

    public FixedBaseTable(in AffinePoint<Fq> point)
    {
        var multiples = new JacobianPoint<Fq>[Windows * Digits];
        var windowBase = point.ToJacobian();
        for (var window = 0; window < Windows; window++)
        {
            var multiple = windowBase;
            for (var digit = 1; digit <= Digits; digit++)
            {
                multiples[window * Digits + digit - 1] = multiple;
                multiple = multiple.Add(windowBase);
            }
            windowBase = multiple; // 16·windowBase
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
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        scalar.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        var result = JacobianPoint<Fq>.Infinity;
        for (var window = 0; window < Windows; window++)
        {
            var digit = (bytes[window / 2] >> (window % 2 * WindowBits)) & Digits;
            if (digit != 0)
            {
                result = result.Add(_multiples[window * Digits + digit - 1]);
            }
        }
        return result;
    }
}
