using System.Diagnostics;

namespace Aggregator.Proving;

/// <summary>
/// Runs a Node script (snarkjs, the repository's .mjs tools) to its end: its exit code, standard output
/// and standard error. Cancelled, the script and anything it started are killed.
/// </summary>
public static class NodeScript
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <exception cref="ProverUnavailableException">Node is not installed or not on PATH.</exception>
    public static async Task<Result> RunAsync(string node, string script, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(node, [script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ProverUnavailableException($"cannot start {node}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new ProverUnavailableException($"Node.js ('{node}') is not installed or not on PATH: install Node 20 or later");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            string output;
            try
            {
                output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Node and anything it started must not outlive the request.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            return new Result(process.ExitCode, output, await error.ConfigureAwait(false));
        }
    }
}
