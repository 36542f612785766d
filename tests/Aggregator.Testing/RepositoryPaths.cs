namespace Aggregator.Testing;

/// <summary>Finds files of the repository (golden vectors, samples) from a test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aggregator.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Aggregator.sln above {AppContext.BaseDirectory}");
    }
}
