using System.Diagnostics;
using System.Text;
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
            // The reference is a tool, not the code under test: a crash of Node (once, in a loaded CI run,
            // exit code 1) is run again once; its verdicts are what the tests assert.
            var (exitCode, output, errors) = Node(script, arguments, input);
            if (exitCode != 0)
            {
                var first = errors;
                (exitCode, output, errors) = Node(script, arguments, input);
                Assert.True(exitCode == 0, $"node {script} exited with {exitCode} twice: {first}\n{errors}");
            }
            return JsonNode.Parse(output)!;
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static (int ExitCode, string Output, string Errors) Node(string script, string[] arguments, string input)
    {
        var start = new ProcessStartInfo("node", [RepositoryPaths.Combine("circuits", "scripts", script), .. arguments, input])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = new Process { StartInfo = start };
        // Standard error is read beside standard output, so neither pipe can fill and stall the script.
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        lock (errors)
        {
            return (process.ExitCode, output, errors.ToString());
        }
    }
}
