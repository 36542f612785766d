using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using MathNet.Numerics.LinearAlgebra;

namespace Aggregator.Margin.Stress;

/// <summary>
/// Joint price shocks drawn from a covariance matrix of one-day log returns (docs/margin.md, "Correlated
/// stress"): with L the Cholesky factor of the matrix and z a vector of independent standard normals, the
/// log returns are r = L·z and each asset's shock is exp(r) − 1 (never below −100%). Draw d of a seed is
/// drawn from its own generator, seeded by (seed, d), so a run repeats exactly however its draws are
/// spread over the cores. In double: a shock feeds the stress test's prices, rounded to 12 decimals, and
/// never a balance.
/// </summary>
public sealed class CorrelatedShocks
{
    private readonly AssetId[] _assets;
    private readonly Matrix<double> _factor;

    /// <exception cref="InputException">An asset named twice, not square, not one row per asset, not symmetric, or not positive semi-definite.</exception>
    public CorrelatedShocks(IReadOnlyList<AssetId> assets, double[,] covariance, string field = "covariance")
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(covariance);
        var n = assets.Count;
        if (n == 0 || covariance.GetLength(0) != n || covariance.GetLength(1) != n)
        {
            throw new InputException($"the covariance matrix is {covariance.GetLength(0)}×{covariance.GetLength(1)} for {n} assets; it is one row and one column per asset", field: field);
        }
        if (assets.GroupBy(a => a).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InputException($"{twice.Key} is named twice: one row and one column per asset", field: field);
        }
        var matrix = Matrix<double>.Build.DenseOfArray(covariance);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (Math.Abs(matrix[i, j] - matrix[j, i]) > 1e-12 * Math.Max(1, Math.Abs(matrix[i, j])))
                {
                    throw new InputException($"the covariance matrix is not symmetric: [{assets[i]}, {assets[j]}] is {matrix[i, j]}, [{assets[j]}, {assets[i]}] is {matrix[j, i]}", field: field);
                }
            }
        }
        if (matrix.Enumerate().Any(v => !double.IsFinite(v)))
        {
            throw new InputException("the covariance matrix holds a value that is not a finite number", field: field);
        }
        // Cholesky needs a positive definite matrix; a semi-definite one (perfectly correlated assets, an
        // asset that never moves) gets a jitter of 1e-12 of its mean variance on the diagonal.
        var smallest = matrix.Evd(Symmetricity.Symmetric).EigenValues.Min(e => e.Real);
        var scale = Math.Max(matrix.Diagonal().Average(), 1e-300);
        if (smallest < -1e-9 * scale)
        {
            throw new InputException($"the covariance matrix is not positive semi-definite (an eigenvalue is {smallest:G6}): no joint distribution has these variances and covariances", field: field);
        }
        var jitter = smallest <= 1e-12 * scale ? Matrix<double>.Build.DenseIdentity(n) * (1e-12 * scale) : Matrix<double>.Build.Dense(n, n);
        _factor = (matrix + jitter).Cholesky().Factor;
        _assets = [.. assets];
    }

    public IReadOnlyList<AssetId> Assets => _assets;

    // SplitMix64 of (seed, draw): the same generator for a draw in every process (HashCode is randomized per process).
    private static int DrawSeed(int seed, int draw)
    {
        var x = unchecked(((ulong)(uint)seed << 32) | (uint)draw) + 0x9E3779B97F4A7C15UL;
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((int)(x ^ (x >> 31)));
    }

    /// <summary>The shocks of draw <paramref name="draw"/> of <paramref name="seed"/>: per asset, exp(L·z) − 1.</summary>
    public Dictionary<AssetId, decimal> Draw(int seed, int draw)
    {
        var random = new MathNet.Numerics.Random.MersenneTwister(DrawSeed(seed, draw), threadSafe: false);
        var z = Vector<double>.Build.Dense(_assets.Length, _ => MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1));
        var r = _factor * z;
        var shocks = new Dictionary<AssetId, decimal>(_assets.Length);
        for (var i = 0; i < _assets.Length; i++)
        {
            shocks[_assets[i]] = (decimal)Math.Round(Math.Exp(Math.Clamp(r[i], -50, 5)) - 1, 12);
        }
        return shocks;
    }
}
