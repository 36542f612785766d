namespace Aggregator.Crypto.Field;

/// <summary>The field operations curve arithmetic needs, so G1 (over Fq) and G2 (over Fq2) share one implementation.</summary>
internal interface IFieldElement<T> : IMultiplicative<T> where T : struct, IFieldElement<T>
{
    static abstract T Zero { get; }
    bool IsZero { get; }
    static abstract T Add(in T a, in T b);
    static abstract T Subtract(in T a, in T b);
    T Negate();
    T Inverse();
}
