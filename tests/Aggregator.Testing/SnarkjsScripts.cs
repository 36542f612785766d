using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;

namespace Aggregator.Testing;

/// <summary>
/// Runs one of circuits/scripts/*.mjs (snarkjs in one Node process) on a JSON document and returns what it
/// printed: the reference verdicts and witnesses the native code is held to.
/// </summary>
public static class SnarkjsScripts
{
    /// <param name="script">The script's file name in circuits/scripts.</param>
    /// <param name="document">Written to a temporary file passed as the last argument.</param>
    /// <param name="arguments">Arguments before it.</param>
    public static JsonNode Run(string script, JsonNode document, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(document);
        var input = Path.Combine(Path.GetTempPath(), $"aggregator-snarkjs-{Guid.NewGuid():N}.json");
        File.WriteAllText(input, document.ToJsonString());
        try
        {
            var start = new ProcessStartInfo("node", [RepositoryPaths.Combine("circuits", "scripts", script), .. arguments, input]) { RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            return JsonNode.Parse(output)!;
        }
        finally
        {
            File.Delete(input);
        }
    }
}
