using System.Numerics;

namespace Aggregator.Crypto.Field;

/// <summary>What square-and-multiply needs: one, a product, a square.</summary>
internal interface IMultiplicative<T> where T : struct, IMultiplicative<T>
{
    static abstract T One { get; }
    static abstract T Multiply(in T a, in T b);
    T Square();
}

/// <summary>Exponentiation by square-and-multiply, most significant bit first, for any of the tower's fields.</summary>
internal static class Exponentiation
{
    public static T Pow<T>(in T value, BigInteger exponent) where T : struct, IMultiplicative<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        var result = T.One;
        for (var bit = (int)exponent.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = result.Square();
            if (!((exponent >> bit) & 1).IsZero)
            {
                result = T.Multiply(result, value);
            }
        }
        return result;
    }
}
