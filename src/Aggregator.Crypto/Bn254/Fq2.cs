using System.Numerics;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Bn254;

/// <summary>Fq2 = Fq[u] / (u² + 1): C0 + C1·u.</summary>
internal readonly record struct Fq2(Fq C0, Fq C1) : IFieldElement<Fq2>
{
    public static Fq2 Zero => default;

    public static Fq2 One => new(Fq.One, Fq.Zero);

    /// <summary>ξ = 9 + u, the non-residue of the sextic twist (v³ = ξ, w⁶ = ξ).</summary>
    public static Fq2 Xi { get; } = new(Fq.From(9), Fq.One);

    public bool IsZero => C0.IsZero && C1.IsZero;

    public static Fq2 operator +(in Fq2 a, in Fq2 b) => new(a.C0 + b.C0, a.C1 + b.C1);
    public static Fq2 operator -(in Fq2 a, in Fq2 b) => new(a.C0 - b.C0, a.C1 - b.C1);
    public static Fq2 operator -(in Fq2 a) => new(-a.C0, -a.C1);

    /// <summary>Karatsuba with lazy reduction: three wide products, two reductions.</summary>
    public static Fq2 operator *(in Fq2 a, in Fq2 b) => Product.Of(a, b).Reduce();

    /// <summary>a·b + c·d, reduced once per coefficient.</summary>
    public static Fq2 SumOfProducts(in Fq2 a, in Fq2 b, in Fq2 c, in Fq2 d) => (Product.Of(a, b) + Product.Of(c, d)).Reduce();

    /// <summary>a·b + c·d + e·f, reduced once per coefficient (an Fq6 product's coefficients are such sums).</summary>
    public static Fq2 SumOfProducts(in Fq2 a, in Fq2 b, in Fq2 c, in Fq2 d, in Fq2 e, in Fq2 f) =>
        (Product.Of(a, b) + Product.Of(c, d) + Product.Of(e, f)).Reduce();

    /// <summary>An unreduced product or sum of up to three products (each coefficient below 6q²).</summary>
    private readonly struct Product(WideLimbs real, WideLimbs imaginary)
    {
        private readonly WideLimbs _real = real, _imaginary = imaginary;

        public static Product Of(in Fq2 a, in Fq2 b)
        {
            Fq.ComplexProductWide(a.C0, a.C1, b.C0, b.C1, out var real, out var imaginary);
            return new Product(real, imaginary);
        }

        public static Product operator +(in Product x, in Product y) =>
            new(Montgomery<FqModulus>.AddWide(x._real, y._real), Montgomery<FqModulus>.AddWide(x._imaginary, y._imaginary));

        public Fq2 Reduce() => new(Fq.Reduce(_real), Fq.Reduce(_imaginary));
    }

    public static Fq2 operator *(in Fq2 a, in Fq b) => new(a.C0 * b, a.C1 * b);

    public Fq2 Square()
    {
        // (a + bu)² = (a + b)(a - b) + 2ab·u
        var ab = C0 * C1;
        return new Fq2((C0 + C1) * (C0 - C1), ab + ab);
    }

    public Fq2 Double() => this + this;

    public Fq2 Negate() => -this;

    public static Fq2 Add(in Fq2 a, in Fq2 b) => a + b;

    public static Fq2 Subtract(in Fq2 a, in Fq2 b) => a - b;

    public static Fq2 Multiply(in Fq2 a, in Fq2 b) => a * b;

    /// <summary>The p-power Frobenius on Fq2: a + bu ↦ a − bu.</summary>
    public Fq2 Conjugate() => new(C0, -C1);

    /// <summary>Multiplication by ξ = 9 + u: (a + bu)(9 + u) = (9a − b) + (a + 9b)u.</summary>
    public Fq2 MultiplyByXi() => new(Fq.MultiplySmallAdd(C0, 9, -C1), Fq.MultiplySmallAdd(C1, 9, C0));

    public Fq2 Inverse()
    {
        // 1/(a + bu) = (a − bu)/(a² + b²)
        var norm = (C0.Square() + C1.Square()).Inverse();
        return new Fq2(C0 * norm, -(C1 * norm));
    }

    public Fq2 Pow(BigInteger exponent) => Exponentiation.Pow(this, exponent);
}
