using Aggregator.Commitment;
using Aggregator.Core.Assets;
using Aggregator.Proving;
using Xunit;

namespace Aggregator.Testing;

/// <summary>
/// One epoch of the sample ledger (D = 20, K = 4), proved once with the real snarkjs toolchain and the
/// committed keys: a solvency proof and alice's inclusion file. Needs Node and `npm ci` in circuits/;
/// without them the tests fail, saying so. Each test project that uses it declares its collection
/// (xunit finds collection definitions only in the test assembly itself).
/// </summary>
public sealed class ProvenEpochFixture : IAsyncLifetime
{
    public const string Account = "alice@example.com";

    public string Workspace { get; } = Directory.CreateTempSubdirectory("aggregator-proven-").FullName;

    public string EpochDirectory => Path.Combine(Workspace, "epoch");

    public string InclusionPath => Path.Combine(Workspace, "alice.json");

    public string CircuitsDirectory { get; } = RepositoryPaths.Combine("circuits");

    public MerkleSumTree Tree { get; private set; } = null!;

    public string SolvencyVerificationKey => Path.Combine(CircuitsDirectory, "keys", "solvency_4.vkey.json");

    public string InclusionVerificationKey => Path.Combine(CircuitsDirectory, "keys", "inclusion_20_4.vkey.json");

    public async Task InitializeAsync()
    {
        var parameters = new CommitmentParameters(20,
            [new(new AssetId("BTC"), 8), new(new AssetId("ETH"), 8), new(new AssetId("SOL"), 6), new(new AssetId("USDC"), 6)]);
        var rows = LedgerCsv.Read(RepositoryPaths.Combine("samples", "ledger.csv"), parameters);
        Tree = MerkleSumTree.Build(parameters, rows, EpochSecret.ParseHex("1234abcd"));
        Commitment.EpochDirectory.Write(EpochDirectory, Tree, EpochSecret.ParseHex("1234abcd"), 1, DateTimeOffset.UnixEpoch);
        var reserves = Path.Combine(Workspace, "reserves.json");
        await File.WriteAllTextAsync(reserves, """{ "reserves": { "BTC": "10", "ETH": "200.5", "SOL": "1342.500001", "USDC": "2000000" } }""");
        var proofs = new EpochProofs(new SnarkjsProver(CircuitsDirectory));
        var solvency = await proofs.ProveSolvencyAsync(EpochDirectory, reserves);
        Assert.True(solvency.Solvent, string.Join("; ", solvency.Shortfalls));
        await proofs.ProveInclusionAsync(EpochDirectory, Account, InclusionPath);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Workspace, recursive: true);
        return Task.CompletedTask;
    }
}
