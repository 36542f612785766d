namespace Aggregator.Testing;

/// <summary>A temporary copy of deploy/config with a publisher key beside it, for the tests to change.</summary>
public sealed class DeployConfigFolder : IDisposable
{
    public DeployConfigFolder()
    {
        foreach (var file in new[] { "reserves.json", "market.json", "aggregator.json" })
        {
            File.Copy(RepositoryPaths.Combine("deploy", "config", file), System.IO.Path.Combine(Path, file));
        }
        File.WriteAllText(System.IO.Path.Combine(Path, "publisher.key"), "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n");
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("aggregator-config-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
