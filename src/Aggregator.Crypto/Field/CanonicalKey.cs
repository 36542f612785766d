namespace Aggregator.Crypto.Field;

/// <summary>
/// A field element's canonical value, ordered as an integer. Converting once and comparing keys is how
/// large sorts avoid leaving Montgomery form at every comparison.
/// </summary>
public readonly struct CanonicalKey : IComparable<CanonicalKey>, IEquatable<CanonicalKey>
{
    private readonly ulong _l0, _l1, _l2, _l3;

    public CanonicalKey(Fr value) => value.ToCanonicalLimbs(out _l0, out _l1, out _l2, out _l3);

    public int CompareTo(CanonicalKey other)
    {
        var c = _l3.CompareTo(other._l3);
        if (c != 0)
        {
            return c;
        }

        c = _l2.CompareTo(other._l2);
        if (c != 0)
        {
            return c;
        }

        c = _l1.CompareTo(other._l1);
        return c != 0 ? c : _l0.CompareTo(other._l0);
    }

    public bool Equals(CanonicalKey other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is CanonicalKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_l0, _l1, _l2, _l3);

    public static bool operator ==(CanonicalKey left, CanonicalKey right) => left.Equals(right);
    public static bool operator !=(CanonicalKey left, CanonicalKey right) => !left.Equals(right);
    public static bool operator <(CanonicalKey left, CanonicalKey right) => left.CompareTo(right) < 0;
    public static bool operator >(CanonicalKey left, CanonicalKey right) => left.CompareTo(right) > 0;
    public static bool operator <=(CanonicalKey left, CanonicalKey right) => left.CompareTo(right) <= 0;
    public static bool operator >=(CanonicalKey left, CanonicalKey right) => left.CompareTo(right) >= 0;
}
