namespace Aggregator.Proofs.Bn254;

/// <summary>The field operations curve arithmetic needs, so G1 (over Fq) and G2 (over Fq2) share one implementation.</summary>
internal interface IFieldElement<T> where T : struct, IFieldElement<T>
{
    static abstract T Zero { get; }
    static abstract T One { get; }
    bool IsZero { get; }
    static abstract T Add(in T a, in T b);
    static abstract T Subtract(in T a, in T b);
    static abstract T Multiply(in T a, in T b);
    T Square();
    T Negate();
    T Inverse();
}
