using Aggregator.Crypto.Bn254;
using Aggregator.Testing;

namespace Aggregator.Crypto.Tests.Bn254;

public class PowersOfUPipelineTests
{
    private static Fq12 CyclotomicElement(int seed)
    {
        var f = Pairing.MillerLoop(Curve.G1Generator.Multiply(seed), TwistPoints.G2Generator);
        var easy = f.Conjugate() * f.Inverse();
        return easy.Frobenius().Frobenius() * easy;
    }

    [Fact]
    public async Task Two_threads_compute_the_same_three_powers_as_one()
    {
        var x = CyclotomicElement(3);
        var pipeline = new PowersOfUPipeline();
        var multiplier = Task.Factory.StartNew(pipeline.Multiply, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var first = pipeline.PowerOfU(x);
        var second = pipeline.PowerOfU(first);
        var third = pipeline.PowerOfU(second);
        pipeline.SquarerGone();
        await multiplier.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(x.Pow(Curve.U), first);
        Assert.Equal(first.Pow(Curve.U), second);
        Assert.Equal(second.Pow(Curve.U), third);

        var f = Pairing.MillerLoop(Curve.G1Generator.Multiply(6), TwistPoints.G2Generator);
        var whole = new PowersOfUPipeline();
        var partner = Task.Factory.StartNew(whole.Multiply, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.Equal(Pairing.FinalExponentiation(f), Pairing.FinalExponentiation(f, whole.PowerOfU));
        whole.SquarerGone();
        await partner.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_multiplier_stops_when_the_squarer_leaves_early()
    {
        var pipeline = new PowersOfUPipeline();
        var multiplier = Task.Factory.StartNew(pipeline.Multiply, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = pipeline.PowerOfU(CyclotomicElement(4)); // one round of three, then no final exponentiation after all
        pipeline.SquarerGone();
        await multiplier.WaitAsync(TimeSpan.FromSeconds(10)); // throws TimeoutException if it kept waiting
    }

    [Fact]
    public void The_squarer_finishes_alone_when_the_multiplier_is_gone()
    {
        var x = CyclotomicElement(5);
        var pipeline = new PowersOfUPipeline();
        pipeline.SquarerGone();
        pipeline.Multiply(); // returns at once: nothing published; the multiplier is now gone
        // The squaring side was told it left, but a late round must still come out right on its own.
        Assert.Equal(x.Pow(Curve.U), pipeline.PowerOfU(x));
    }
}
