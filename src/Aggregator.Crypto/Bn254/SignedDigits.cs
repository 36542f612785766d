using System.Numerics;

namespace Aggregator.Crypto.Bn254;

/// <summary>
/// The width-w non-adjacent form of a positive integer: digits in {0, ±1, ±3, …, ±(2^(w−1) − 1)},
/// least significant first, any w consecutive digits holding at most one non-zero. Fewer non-zero
/// digits mean fewer multiplications (or additions) where inverting is free, as conjugation is in the
/// cyclotomic subgroup and negation is on the curve: u has 28 set bits but 14 non-zero digits at w = 4,
/// and 6u + 2 has 37 set bits but 22 at w = 2.
/// </summary>
internal static class SignedDigits
{
    public static sbyte[] Compute(BigInteger value, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 7);
        var window = 1 << width;
        var digits = new List<sbyte>();
        while (!value.IsZero)
        {
            var digit = 0;
            if (!value.IsEven)
            {
                digit = (int)(value % window);
                if (digit >= window / 2)
                {
                    digit -= window;
                }
                value -= digit;
            }
            digits.Add((sbyte)digit);
            value >>= 1;
        }
        return [.. digits];
    }
}
