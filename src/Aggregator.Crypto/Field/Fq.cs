using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Aggregator.Crypto.Field;

/// <summary>An element of the BN254 base field p (curve coordinates), in Montgomery form.</summary>
internal readonly struct Fq : IEquatable<Fq>, IFieldElement<Fq>,
    IAdditionOperators<Fq, Fq, Fq>, ISubtractionOperators<Fq, Fq, Fq>, IMultiplyOperators<Fq, Fq, Fq>, IUnaryNegationOperators<Fq, Fq>,
    IEqualityOperators<Fq, Fq, bool>, IAdditiveIdentity<Fq, Fq>, IMultiplicativeIdentity<Fq, Fq>
{
    private readonly Limbs _value;

    private Fq(Limbs montgomery) => _value = montgomery;

    public static BigInteger Modulus => Montgomery<FqModulus>.Modulus;

    public static Fq Zero => default;

    public static Fq One { get; } = From(1);

    public bool IsZero => _value.IsZero;

    /// <summary>The element whose Montgomery form is <paramref name="montgomery"/> (as snarkjs stores proving keys).</summary>
    public static Fq FromMontgomery(in Limbs montgomery) => new(montgomery);

    /// <summary>True when <paramref name="montgomery"/> is below p, so it is a valid Montgomery form.</summary>
    public static bool IsReduced(in Limbs montgomery) => Montgomery<FqModulus>.IsCanonical(montgomery);

    public static Fq From(ulong value) => new(Montgomery<FqModulus>.ToMontgomery(new Limbs(value, 0, 0, 0)));

    public static Fq FromBigInteger(BigInteger value) =>
        value.Sign >= 0 && value < Modulus
            ? new Fq(Montgomery<FqModulus>.ToMontgomery(Limbs.FromBigInteger(value)))
            : throw new ArgumentOutOfRangeException(nameof(value), "value is not in [0, p)");

    /// <summary>Parses a decimal string below p.</summary>
    public static bool TryParse(string? text, out Fq value)
    {
        value = default;
        if (!FieldText.TryParse(text, Modulus, out var integer))
        {
            return false;
        }
        value = FromBigInteger(integer);
        return true;
    }

    public BigInteger ToBigInteger() => Montgomery<FqModulus>.FromMontgomery(_value).ToBigInteger();

    public override string ToString() => ToBigInteger().ToString(CultureInfo.InvariantCulture);

    // By value, as the System.Numerics operators take them; inlined, no copy is made.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fq operator +(Fq a, Fq b) => new(Montgomery<FqModulus>.Add(a._value, b._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fq operator -(Fq a, Fq b) => new(Montgomery<FqModulus>.Subtract(a._value, b._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fq operator -(Fq a) => new(Montgomery<FqModulus>.Subtract(default, a._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fq operator *(Fq a, Fq b) => new(Montgomery<FqModulus>.Multiply(a._value, b._value));
    public static Fq AdditiveIdentity => Zero;
    public static Fq MultiplicativeIdentity => One;
    public static bool operator ==(Fq a, Fq b) => a.Equals(b);
    public static bool operator !=(Fq a, Fq b) => !a.Equals(b);

    public Fq Square() => this * this;

    public Fq Negate() => -this;

    public static Fq Add(in Fq a, in Fq b) => a + b;

    public static Fq Subtract(in Fq a, in Fq b) => a - b;

    public static Fq Multiply(in Fq a, in Fq b) => a * b;

    public Fq Double() => this + this;

    /// <summary>The Fq2 product (a0 + a1·u)(b0 + b1·u), u² = −1, unreduced (see <see cref="Montgomery{TModulus}.ComplexProductWide"/>).</summary>
    public static void ComplexProductWide(in Fq a0, in Fq a1, in Fq b0, in Fq b1, out WideLimbs real, out WideLimbs imaginary) =>
        Montgomery<FqModulus>.ComplexProductWide(a0._value, a1._value, b0._value, b1._value, out real, out imaginary);

    /// <summary>A sum of at most three unreduced complex products' coefficients, reduced.</summary>
    public static Fq Reduce(in WideLimbs value) => new(Montgomery<FqModulus>.Reduce(value));

    /// <summary>k·a + b for a small k (at most 15).</summary>
    public static Fq MultiplySmallAdd(in Fq a, ulong k, in Fq b) => new(Montgomery<FqModulus>.MultiplySmallAdd(a._value, k, b._value));

    /// <summary>a⁻¹; zero has no inverse.</summary>
    public Fq Inverse() => new(Montgomery<FqModulus>.Inverse(_value));

    public bool Equals(Fq other) => _value == other._value;

    public override bool Equals(object? obj) => obj is Fq other && Equals(other);

    public override int GetHashCode() => _value.GetHashCode();
}
