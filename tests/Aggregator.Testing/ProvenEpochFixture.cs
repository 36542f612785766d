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

    /// <summary>anvil's first development account, which the registry tests publish from.</summary>
    public const string Publisher = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

    /// <summary>The epoch: a unix time in the past (2023-11-14), as the registry requires.</summary>
    public const ulong Epoch = 1_700_000_000;

    public const string SecretHex = "00112233445566778899aabbccddeeff";

    public string Workspace { get; } = Directory.CreateTempSubdirectory("aggregator-proven-").FullName;

    public string EpochDirectory => Path.Combine(Workspace, "epoch");

    public string InclusionPath => Path.Combine(Workspace, "alice.json");

    public string ManifestPath => Path.Combine(EpochDirectory, Commitment.EpochDirectory.ManifestFile);

    /// <summary>A copy of alice's inclusion file with <paramref name="change"/> applied, written beside it.</summary>
    public string Tampered(Action<System.Text.Json.Nodes.JsonObject> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(InclusionPath))!.AsObject();
        change(document);
        var path = Path.Combine(Workspace, $"tampered-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, document.ToJsonString());
        return path;
    }

    /// <summary>A copy of the epoch directory (or of <paramref name="source"/>) in the workspace (or at <paramref name="target"/>), for a test that changes it.</summary>
    public string CopyOfEpoch(string? target = null, string? source = null)
    {
        source ??= EpochDirectory;
        target ??= Path.Combine(Workspace, $"epoch-{Guid.NewGuid():N}");
        foreach (var directory in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(source, target, StringComparison.Ordinal));
        }
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(source, target, StringComparison.Ordinal));
        }
        return target;
    }

    public string CircuitsDirectory { get; } = RepositoryPaths.Combine("circuits");

    public MerkleSumTree Tree { get; private set; } = null!;

    public string SolvencyVerificationKey => Path.Combine(CircuitsDirectory, "keys", "solvency_4.vkey.json");

    public string InclusionVerificationKey => Path.Combine(CircuitsDirectory, "keys", "inclusion_20_4.vkey.json");

    public async Task InitializeAsync()
    {
        var parameters = new CommitmentParameters(20,
            [new(new AssetId("BTC"), 8), new(new AssetId("ETH"), 8), new(new AssetId("SOL"), 6), new(new AssetId("USDC"), 6)]);
        var rows = LedgerCsv.Read(RepositoryPaths.Combine("samples", "ledger.csv"), parameters);
        Tree = MerkleSumTree.Build(parameters, rows, EpochSecret.ParseHex(SecretHex));
        Commitment.EpochDirectory.Write(EpochDirectory, Tree, EpochSecret.ParseHex(SecretHex), Epoch, PublisherAddress.Parse(Publisher), DateTimeOffset.UnixEpoch);
        var reserves = Path.Combine(Workspace, "reserves.json");
        await File.WriteAllTextAsync(reserves, """{ "reserves": { "BTC": "10", "ETH": "200.5", "SOL": "1342.500001", "USDC": "2000000" } }""");
        var proofs = new EpochProofs(new SnarkjsProver(CircuitsDirectory));
        var solvency = await proofs.ProveSolvencyAsync(EpochDirectory, reserves);
        Assert.True(solvency.Solvent, string.Join("; ", solvency.Shortfalls));
        await proofs.ProveInclusionAsync(EpochDirectory, Account, InclusionPath);
    }

    /// <summary>
    /// The same books committed and proved (natively) for another epoch, in a directory of their own with
    /// alice's inclusion file beside the manifest (alice.json): what a registry with windows accepts.
    /// </summary>
    /// <param name="snarkjs">Prove with snarkjs instead of the native prover.</param>
    /// <param name="publisher">Another publisher than <see cref="Publisher"/> to commit to.</param>
    /// <param name="coverage">The coverage ratios to prove (basis points per asset; full coverage when null).</param>
    public async Task<string> ProveForAsync(ulong epoch, bool snarkjs = false, string publisher = Publisher, IReadOnlyList<uint>? coverage = null)
    {
        var directory = Path.Combine(Workspace, $"epoch-{epoch}-{publisher.ToLowerInvariant()}{(coverage is null ? "" : "-" + string.Join('-', coverage))}");
        if (File.Exists(Path.Combine(directory, "alice.json")))
        {
            return directory;
        }
        Commitment.EpochDirectory.Write(directory, Tree, EpochSecret.ParseHex(SecretHex), epoch, PublisherAddress.Parse(publisher.ToLowerInvariant()), DateTimeOffset.UnixEpoch);
        var reserves = Path.Combine(Workspace, $"reserves-{epoch}.json");
        await File.WriteAllTextAsync(reserves, """{ "reserves": { "BTC": "10", "ETH": "200.5", "SOL": "1342.500001", "USDC": "2000000" } }""");
        var keys = Path.Combine(CircuitsDirectory, "keys");
        using var native = new NativeProver(ProvingKeys.At(keys, "test"), VerificationKeys.At(keys), null);
        var proofs = new EpochProofs(snarkjs ? new SnarkjsProver(CircuitsDirectory) : native);
        Assert.True((await proofs.ProveSolvencyAsync(directory, reserves, coverage)).Solvent);
        await proofs.ProveInclusionAsync(directory, Account, Path.Combine(directory, "alice.json"));
        return directory;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Workspace, recursive: true);
        return Task.CompletedTask;
    }
}
