using Aggregator.Crypto.Prover.Vectors;

namespace Aggregator.Crypto.Prover.Tests;

/// <summary>The vector backends the tests hold to each other.</summary>
public class Backends
{
    /// <summary>The AVX2 backend: this project's machines have AVX2, and a test that compared the scalar code with itself would prove nothing.</summary>
    internal static VectorBackend Lanes => VectorBackend.Lanes ?? throw new InvalidOperationException("this machine has no AVX2: the lane backend cannot be compared with the scalar one");

    [Fact]
    public void The_lanes_are_the_default_where_the_cpu_has_avx2()
    {
        Assert.Same(Lanes, VectorBackend.Default);
        Assert.NotSame(VectorBackend.Scalar, VectorBackend.Default);
    }
}
