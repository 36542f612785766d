namespace Aggregator.Crypto.Bn254;

/// <summary>Fq6 = Fq2[v] / (v³ − ξ): C0 + C1·v + C2·v².</summary>
internal readonly record struct Fq6(Fq2 C0, Fq2 C1, Fq2 C2)
{
    public static Fq6 Zero => default;

    public static Fq6 One => new(Fq2.One, Fq2.Zero, Fq2.Zero);

    public bool IsZero => C0.IsZero && C1.IsZero && C2.IsZero;

    public static Fq6 operator +(in Fq6 a, in Fq6 b) => new(a.C0 + b.C0, a.C1 + b.C1, a.C2 + b.C2);
    public static Fq6 operator -(in Fq6 a, in Fq6 b) => new(a.C0 - b.C0, a.C1 - b.C1, a.C2 - b.C2);
    public static Fq6 operator -(in Fq6 a) => new(-a.C0, -a.C1, -a.C2);

    public static Fq6 operator *(in Fq6 a, in Fq6 b)
    {
        // Schoolbook with v³ = ξ folded into b's coefficients first, so every output coefficient is a
        // sum of three Fq2 products reduced once (nine products, six reductions; Karatsuba's six
        // products cost twelve reductions and more additions).
        var xiB1 = b.C1.MultiplyByXi();
        var xiB2 = b.C2.MultiplyByXi();
        return new Fq6(
            Fq2.SumOfProducts(a.C0, b.C0, a.C1, xiB2, a.C2, xiB1),
            Fq2.SumOfProducts(a.C0, b.C1, a.C1, b.C0, a.C2, xiB2),
            Fq2.SumOfProducts(a.C0, b.C2, a.C1, b.C1, a.C2, b.C0));
    }

    public static Fq6 operator *(in Fq6 a, in Fq2 b) => new(a.C0 * b, a.C1 * b, a.C2 * b);

    public Fq6 Square() => this * this;

    /// <summary>
    /// Multiplication by b0 + b1·v (a sparse element, as Miller-loop lines are): six Fq2 products in
    /// sums of two, each reduced once.
    /// </summary>
    public Fq6 MultiplyBy01(in Fq2 b0, in Fq2 b1) =>
        new(Fq2.SumOfProducts(C0, b0, C2, b1.MultiplyByXi()), Fq2.SumOfProducts(C0, b1, C1, b0), Fq2.SumOfProducts(C1, b1, C2, b0));

    /// <summary>Multiplication by v: (c0 + c1v + c2v²)·v = ξc2 + c0v + c1v².</summary>
    public Fq6 MultiplyByV() => new(C2.MultiplyByXi(), C0, C1);

    public Fq6 Inverse()
    {
        // Standard formula for a cubic extension with v³ = ξ.
        var t0 = C0.Square() - (C1 * C2).MultiplyByXi();
        var t1 = C2.Square().MultiplyByXi() - C0 * C1;
        var t2 = C1.Square() - C0 * C2;
        var norm = C0 * t0 + (C2 * t1).MultiplyByXi() + (C1 * t2).MultiplyByXi();
        var inverse = norm.Inverse();
        return new Fq6(t0 * inverse, t1 * inverse, t2 * inverse);
    }
}
