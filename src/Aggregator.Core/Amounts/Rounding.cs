namespace Aggregator.Core.Amounts;

/// <summary>How a decimal string with more fractional digits than an asset's decimals becomes base units.</summary>
public enum Rounding
{
    /// <summary>Extra non-zero digits are an error.</summary>
    Exact,

    /// <summary>Toward +infinity: liabilities, so rounding never hides what is owed.</summary>
    Up,

    /// <summary>Toward zero: reserves, so rounding never invents assets.</summary>
    Down,
}
