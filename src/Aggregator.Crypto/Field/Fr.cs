using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Aggregator.Crypto.Field;

/// <summary>
/// An element of the BN254 scalar field r = 21888242871839275222246405745257275088548364400416034343698204186575808495617,
/// held in Montgomery form (x·2^256 mod r) in four little-endian 64-bit limbs. Arithmetic allocates nothing.
/// </summary>
public readonly struct Fr : IEquatable<Fr>, IComparable<Fr>, IMultiplicative<Fr>,
    IAdditionOperators<Fr, Fr, Fr>, ISubtractionOperators<Fr, Fr, Fr>, IMultiplyOperators<Fr, Fr, Fr>, IUnaryNegationOperators<Fr, Fr>,
    IEqualityOperators<Fr, Fr, bool>, IComparisonOperators<Fr, Fr, bool>, IAdditiveIdentity<Fr, Fr>, IMultiplicativeIdentity<Fr, Fr>
{
    private readonly Limbs _value;

    private Fr(Limbs montgomery) => _value = montgomery;

    /// <summary>The modulus r as a <see cref="BigInteger"/> (for parsing and tests, never the hot path).</summary>
    public static BigInteger Modulus => Montgomery<FrModulus>.Modulus;

    /// <summary>Zero.</summary>
    public static Fr Zero => default;

    /// <summary>One.</summary>
    public static Fr One { get; } = FromUInt64(1);

    /// <summary>The element whose Montgomery form is <paramref name="montgomery"/> (as snarkjs stores proving keys).</summary>
    internal static Fr FromMontgomery(in Limbs montgomery) => new(montgomery);

    /// <summary>The canonical value (out of Montgomery form).</summary>
    internal Limbs Canonical => Montgomery<FrModulus>.FromMontgomery(_value);

    /// <summary>The field element with the given value.</summary>
    public static Fr FromUInt64(ulong value) => new(Montgomery<FrModulus>.ToMontgomery(new Limbs(value, 0, 0, 0)));

    /// <summary>Reads a canonical little-endian value that must be below r.</summary>
    public static Fr FromCanonicalLimbs(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        var value = new Limbs(l0, l1, l2, l3);
        if (!Montgomery<FrModulus>.IsCanonical(value))
        {
            throw new ArgumentOutOfRangeException(nameof(l3), "value is not below the field modulus r");
        }
        return new Fr(Montgomery<FrModulus>.ToMontgomery(value));
    }

    /// <summary>Reads 32 little-endian bytes holding a value below r.</summary>
    public static Fr FromCanonicalLittleEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException("a field element is 32 bytes", nameof(bytes));
        }
        return FromCanonicalLimbs(
            BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..16]),
            BitConverter.ToUInt64(bytes[16..24]), BitConverter.ToUInt64(bytes[24..32]));
    }

    /// <summary>Reads up to 32 big-endian bytes holding a value below r.</summary>
    public static Fr FromBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 32)
        {
            throw new ArgumentException("a field element is at most 32 bytes", nameof(bytes));
        }
        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        bytes.CopyTo(padded[(32 - bytes.Length)..]);
        padded.Reverse();
        return FromCanonicalLittleEndian(padded);
    }

    /// <summary>The element equal to <paramref name="value"/>, which must be in [0, r).</summary>
    public static Fr FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value >= Modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "value is not in [0, r)");
        }
        return new Fr(Montgomery<FrModulus>.ToMontgomery(Limbs.FromBigInteger(value)));
    }

    /// <summary>Parses a decimal string in [0, r); returns false for anything else.</summary>
    public static bool TryParse(string? text, out Fr value)
    {
        value = default;
        if (!FieldText.TryParse(text, Modulus, out var integer))
        {
            return false;
        }
        value = FromBigInteger(integer);
        return true;
    }

    /// <summary>Parses a decimal string in [0, r).</summary>
    public static Fr Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a decimal field element below r");

    /// <summary>The canonical value (out of Montgomery form), little-endian limbs.</summary>
    public void ToCanonicalLimbs(out ulong l0, out ulong l1, out ulong l2, out ulong l3)
    {
        var canonical = Montgomery<FrModulus>.FromMontgomery(_value);
        (l0, l1, l2, l3) = (canonical.L0, canonical.L1, canonical.L2, canonical.L3);
    }

    /// <summary>Writes the canonical value as 32 little-endian bytes.</summary>
    public void WriteCanonicalLittleEndian(Span<byte> destination)
    {
        ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        BitConverter.TryWriteBytes(destination[..8], l0);
        BitConverter.TryWriteBytes(destination[8..16], l1);
        BitConverter.TryWriteBytes(destination[16..24], l2);
        BitConverter.TryWriteBytes(destination[24..32], l3);
    }

    /// <summary>The canonical value as a non-negative integer.</summary>
    public BigInteger ToBigInteger() => Montgomery<FrModulus>.FromMontgomery(_value).ToBigInteger();

    /// <summary>The canonical value in decimal, as circomlibjs and snarkjs print it.</summary>
    public override string ToString() => ToBigInteger().ToString(CultureInfo.InvariantCulture);

    public bool IsZero => _value.IsZero;

    // The System.Numerics operators take their operands by value; inlined, they cost what the `in`
    // methods below cost, which the hot loops and the generic field code call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr operator +(Fr a, Fr b) => Add(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr operator -(Fr a, Fr b) => Subtract(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr operator -(Fr a) => a.Negate();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr operator *(Fr a, Fr b) => MontgomeryMultiply(a, b);
    public static Fr AdditiveIdentity => Zero;
    public static Fr MultiplicativeIdentity => One;
    public static bool operator ==(Fr a, Fr b) => a.Equals(b);
    public static bool operator !=(Fr a, Fr b) => !a.Equals(b);
    public static bool operator <(Fr a, Fr b) => a.CompareTo(b) < 0;
    public static bool operator >(Fr a, Fr b) => a.CompareTo(b) > 0;
    public static bool operator <=(Fr a, Fr b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Fr a, Fr b) => a.CompareTo(b) >= 0;

    /// <summary>a + b mod r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr Add(in Fr a, in Fr b) => new(Montgomery<FrModulus>.Add(a._value, b._value));

    /// <summary>a - b mod r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr Subtract(in Fr a, in Fr b) => new(Montgomery<FrModulus>.Subtract(a._value, b._value));

    /// <summary>The field product (of elements in Montgomery form, hence the name).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr MontgomeryMultiply(in Fr a, in Fr b) => new(Montgomery<FrModulus>.Multiply(a._value, b._value));

    /// <summary>−a mod r.</summary>
    public Fr Negate() => new(Montgomery<FrModulus>.Subtract(default, _value));

    /// <summary>a⁻¹; zero has no inverse.</summary>
    public Fr Inverse() => IsZero ? throw new DivideByZeroException("zero has no inverse") : new(Montgomery<FrModulus>.Inverse(_value));

    /// <summary>a^exponent by square-and-multiply.</summary>
    public Fr Pow(BigInteger exponent) => Exponentiation.Pow(this, exponent);

    static Fr IMultiplicative<Fr>.Multiply(in Fr a, in Fr b) => MontgomeryMultiply(a, b);

    Fr IMultiplicative<Fr>.Square() => MontgomeryMultiply(this, this);

    /// <summary>a^5, Poseidon's S-box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fr Pow5(in Fr a)
    {
        var square = MontgomeryMultiply(a, a);
        var fourth = MontgomeryMultiply(square, square);
        return MontgomeryMultiply(fourth, a);
    }

    public bool Equals(Fr other) => _value == other._value;

    public override bool Equals(object? obj) => obj is Fr other && Equals(other);

    public override int GetHashCode() => _value.GetHashCode();

    /// <summary>Orders by canonical value (as integers), not by Montgomery representation.</summary>
    public int CompareTo(Fr other) => new CanonicalKey(this).CompareTo(new CanonicalKey(other));
}
