namespace Aggregator.Margin.Markets;

/// <summary>
/// Exponentially weighted volatility of simple returns (RiskMetrics): σ²₁ = r₁², σ²ᵢ = λσ²ᵢ₋₁ + (1 − λ)rᵢ²,
/// with rᵢ = pᵢ / pᵢ₋₁ − 1 over a price history, oldest first.
/// </summary>
internal static class EwmaVolatility
{
    public const decimal DefaultLambda = 0.94m;

    /// <summary>σ of the history, or 0 with fewer than two prices.</summary>
    public static decimal Sigma(IReadOnlyList<decimal> history, decimal lambda)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (lambda is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be strictly between 0 and 1");
        }
        decimal? variance = null;
        for (var i = 1; i < history.Count; i++)
        {
            if (history[i - 1] <= 0)
            {
                throw new ArgumentException($"price {i - 1} of the history is not positive", nameof(history));
            }
            var r = history[i] / history[i - 1] - 1;
            variance = variance is { } previous ? lambda * previous + (1 - lambda) * r * r : r * r;
        }
        return variance is { } v ? SquareRoot(v) : 0;
    }

    /// <summary>√x by Newton's method in decimal (no binary floating point in risk math).</summary>
    public static decimal SquareRoot(decimal x)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        if (x == 0)
        {
            return 0;
        }
        var guess = x < 1 ? 1m : x / 2;
        for (var i = 0; i < 200; i++)
        {
            var next = (guess + x / guess) / 2;
            if (next == guess)
            {
                break;
            }
            guess = next;
        }
        return guess;
    }
}
