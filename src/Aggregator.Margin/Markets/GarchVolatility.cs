using Aggregator.Core.Errors;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Aggregator.Margin.Markets;

/// <summary>
/// GARCH(1,1) of simple returns, fitted by maximum likelihood (docs/margin.md, "Predictive margin"):
/// σ²ₜ = ω + α·r²ₜ₋₁ + β·σ²ₜ₋₁ with ω &gt; 0, α, β ≥ 0, α + β &lt; 1, started at the sample variance, and the
/// Gaussian log-likelihood −½·Σ(ln σ²ₜ + r²ₜ/σ²ₜ) maximized by Nelder–Mead over an unconstrained
/// reparameterization. The forecast is tomorrow's σ: √(ω + α·r²ₙ + β·σ²ₙ). In double: it only moves a
/// threshold, which the caller rounds on the safe side.
/// </summary>
public static class GarchVolatility
{
    /// <summary>Fewer returns than this cannot pin three parameters down.</summary>
    public const int MinimumReturns = 30;

    public sealed record Fit(double Omega, double Alpha, double Beta, double Forecast, double LogLikelihood);

    /// <returns>The fit; all zero for a history that never moves.</returns>
    /// <exception cref="InputException">Fewer than <see cref="MinimumReturns"/> returns, a price not positive, or a fit that does not converge.</exception>
    public static Fit Estimate(IReadOnlyList<decimal> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count - 1 < MinimumReturns)
        {
            throw new InputException($"{history.Count - 1} returns: a GARCH(1,1) fit needs at least {MinimumReturns}", field: "priceHistory");
        }
        var returns = new double[history.Count - 1];
        for (var i = 1; i < history.Count; i++)
        {
            if (history[i - 1] <= 0)
            {
                throw new InputException($"price {i - 1} of the history is not positive", field: "priceHistory");
            }
            returns[i - 1] = (double)(history[i] / history[i - 1]) - 1;
        }
        var variance = returns.Average(r => r * r);
        if (variance == 0)
        {
            // A history that never moves (a stable asset): nothing to fit, and no volatility to forecast.
            return new Fit(0, 0, 0, 0, 0);
        }
        // (a, b, c) -> ω = variance · e^a, persistence α + β = s(b) < 1, α = s(b) · s(c), β = s(b) · (1 − s(c)).
        Fit Parameters(Vector<double> x)
        {
            var persistence = Logistic(x[1]) * 0.9999;
            var share = Logistic(x[2]);
            return new Fit(variance * Math.Exp(Math.Clamp(x[0], -30, 10)), persistence * share, persistence * (1 - share), 0, 0);
        }
        double NegativeLogLikelihood(Vector<double> x)
        {
            var p = Parameters(x);
            var sigma2 = variance;
            var sum = 0.0;
            foreach (var r in returns)
            {
                sum += Math.Log(sigma2) + (r * r / sigma2);
                sigma2 = p.Omega + (p.Alpha * r * r) + (p.Beta * sigma2);
            }
            return 0.5 * sum;
        }
        // Start near the usual daily fit: persistence 0.95, of which a tenth is the shock's weight.
        var start = Vector<double>.Build.Dense([Math.Log(0.05), Logit(0.95 / 0.9999), Logit(0.1)]);
        MinimizationResult result;
        try
        {
            result = NelderMeadSimplex.Minimum(ObjectiveFunction.Value(NegativeLogLikelihood), start, 1e-10, 20_000);
        }
        catch (MaximumIterationsException)
        {
            throw new InputException($"the GARCH(1,1) fit of {returns.Length} returns did not converge in 20,000 iterations", field: "priceHistory");
        }
        var fitted = Parameters(result.MinimizingPoint);
        if (!double.IsFinite(result.FunctionInfoAtMinimum.Value) || !double.IsFinite(fitted.Omega))
        {
            throw new InputException($"the GARCH(1,1) fit of {returns.Length} returns did not converge (the likelihood is not finite)", field: "priceHistory");
        }
        var last = variance;
        foreach (var r in returns.SkipLast(1))
        {
            last = fitted.Omega + (fitted.Alpha * r * r) + (fitted.Beta * last);
        }
        var tomorrow = fitted.Omega + (fitted.Alpha * returns[^1] * returns[^1]) + (fitted.Beta * last);
        return fitted with { Forecast = Math.Sqrt(tomorrow), LogLikelihood = -result.FunctionInfoAtMinimum.Value };
    }

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
