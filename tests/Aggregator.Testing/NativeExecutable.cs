using System.Diagnostics;
using Xunit;

namespace Aggregator.Testing;

/// <summary>
/// A src/ project published with Native AOT into a temporary folder, as `dotnet publish -r linux-x64`
/// installs it, and run as a process. Publishing needs a C linker (clang or gcc) and zlib1g-dev; .ci/run
/// installs them.
/// </summary>
public sealed class NativeExecutable : IDisposable
{
    public NativeExecutable(string project, string executable)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("aggregator-aot-").FullName;
        Path = System.IO.Path.Combine(Directory, executable);
        var csproj = RepositoryPaths.Combine("src", project, project + ".csproj");
        int exit;
        string output, error;
        // One publish at a time across the test processes: each restores and builds the shared projects.
        using (PublishLock())
        {
            (exit, output, error) = Run("dotnet", TimeSpan.FromMinutes(10), "publish", csproj, "-c", "Release", "-r", "linux-x64", "-o", Directory);
        }
        Assert.True(exit == 0 && File.Exists(Path), $"publishing {project} with Native AOT failed (it needs clang or gcc, and zlib1g-dev):\n{output}\n{error}");
    }

    /// <summary>The folder it was published to.</summary>
    public string Directory { get; }

    /// <summary>The executable.</summary>
    public string Path { get; }

    /// <summary>Runs the executable with <paramref name="args"/>, failing the test if it takes over a minute.</summary>
    public (int Exit, string Output, string Error) Run(params string[] args) => Run(Path, TimeSpan.FromMinutes(1), args);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static FileStream PublishLock()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aggregator-aot-publish.lock");
        var deadline = DateTime.UtcNow.AddMinutes(20);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static (int Exit, string Output, string Error) Run(string program, TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
