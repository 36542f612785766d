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

    /// <summary>
    /// The example configuration with its epochs in <paramref name="epochsDirectory"/> (the volume a prover shares
    /// with tree workers and replicas), the publisher's key beside it, no registry (windows of an hour instead)
    /// and no schedule: a prover started on it closes nothing unasked. Written as <paramref name="name"/>; its path.
    /// </summary>
    public string WithEpochs(string epochsDirectory, bool precomputeBases = true, string name = "epochs.json")
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "aggregator.json")))!;
        var epochs = config["epochs"]!.AsObject();
        epochs["publisherKeyFile"] = "publisher.key";
        epochs["directory"] = epochsDirectory;
        epochs.Remove("registry");
        epochs.Remove("closeEverySeconds");
        epochs["window"] = new System.Text.Json.Nodes.JsonObject { ["seconds"] = 3600, ["samples"] = 4 };
        epochs["precomputeBases"] = precomputeBases;
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
