using System.Numerics;

namespace Aggregator.Proofs.Bn254;

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

    public static Fq2 operator *(in Fq2 a, in Fq2 b)
    {
        var (c0, c1) = Fq.MultiplyComplex(a.C0, a.C1, b.C0, b.C1);
        return new Fq2(c0, c1);
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
