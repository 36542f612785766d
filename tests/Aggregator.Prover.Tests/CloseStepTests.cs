using Aggregator.Commitment;
using Aggregator.Core.Assets;
using Aggregator.Prover;
using Aggregator.Proving;

namespace Aggregator.Prover.Tests;

/// <summary>
/// A close interrupted at each point of its writes goes on from there when asked again: the step the
/// closer takes next, read from what the epoch directory holds.
/// </summary>
public sealed class CloseStepTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aggregator-close-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Every_crash_point_of_a_close_resumes_at_the_step_it_had_not_finished()
    {
        var directory = Path.Combine(_folder, "1796000000");
        // Nothing written (or a crash while the tree was written: it is staged and renamed whole).
        Assert.Equal(CloseStep.Commit, EpochCloser.NextStep(directory));

        var parameters = new CommitmentParameters(4, [new CommitmentAsset(new AssetId("ETH"), 8)]);
        var tree = MerkleSumTree.Build(parameters, [new LiabilityRow("alice", [5])], EpochSecret.Generate());
        var manifest = EpochDirectory.Write(directory, tree, EpochSecret.Generate(), 1796000000, PublisherAddress.Parse("0x" + new string('1', 40)), DateTimeOffset.UtcNow);
        Assert.Equal(CloseStep.Prove, EpochCloser.NextStep(directory));

        // A crash between the proof and the manifest that names its reserves: proved again (the old code
        // skipped the proof because its file was there, and failed forever on "no solvency proof yet").
        File.WriteAllText(Path.Combine(directory, EpochProofs.SolvencyProofFile), "{}");
        Assert.Equal(CloseStep.Prove, EpochCloser.NextStep(directory));
        // The other order: the reserves named and the proof lost.
        var proved = manifest with { Reserves = [new EpochManifest.ReserveEntry("ETH", "1", "100000000", 10_000)] };
        EpochDirectory.UpdateManifest(directory, proved);
        File.Delete(Path.Combine(directory, EpochProofs.SolvencyProofFile));
        Assert.Equal(CloseStep.Prove, EpochCloser.NextStep(directory));

        File.WriteAllText(Path.Combine(directory, EpochProofs.SolvencyProofFile), "{}");
        Assert.Equal(CloseStep.Publish, EpochCloser.NextStep(directory));
        // A crash after the transaction was mined and before the manifest recorded it is still Publish:
        // RegistryPublisher finds the registry's commitment and records it without sending again
        // (tested against a real registry in the integration tests).
        EpochDirectory.UpdateManifest(directory, proved with { Publication = new("eip155:31337", "0x" + new string('2', 40), "0x" + new string('1', 40), "0x" + new string('3', 64)) });
        Assert.Equal(CloseStep.Announce, EpochCloser.NextStep(directory));
    }
}
