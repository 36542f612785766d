using System.Text.RegularExpressions;
using Aggregator.Proving;

namespace Aggregator.Prover.Ceremony;

/// <summary>snarkjs 0.7.6's command line (circuits/node_modules/snarkjs), run by Node; its output with the colours removed.</summary>
public sealed partial class SnarkjsCli(string circuitsDirectory, string node = "node")
{
    public sealed record Result(int ExitCode, string Output);

    /// <exception cref="ProverUnavailableException">Node or snarkjs is not installed.</exception>
    public async Task<Result> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var cli = Path.Combine(circuitsDirectory, "node_modules", "snarkjs", "build", "cli.cjs");
        if (!File.Exists(cli))
        {
            throw new ProverUnavailableException($"snarkjs is not installed: run `npm ci` in {circuitsDirectory}");
        }
        var run = await NodeScript.RunAsync(node, cli, arguments, cancellationToken).ConfigureAwait(false);
        return new Result(run.ExitCode, Ansi().Replace(run.Output + run.Error, ""));
    }

    /// <summary>
    /// The 64-byte hashes snarkjs prints after each label (its formatHash: the label's line, then four lines
    /// of four 8-digit hex groups), in order, with the label's line.
    /// </summary>
    public static IReadOnlyList<(string Label, string Hash)> Hashes(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.Split('\n');
        var found = new List<(string, string)>();
        for (var i = 0; i + 4 < lines.Length; i++)
        {
            var groups = lines.Skip(i + 1).Take(4).Select(l => HashLine().Match(l)).ToArray();
            if (lines[i].TrimEnd().EndsWith(':') && groups.All(g => g.Success))
            {
                found.Add((lines[i].Trim(), string.Concat(groups.Select(g => g.Value.Replace(" ", "", StringComparison.Ordinal).Trim()))));
                i += 4;
            }
        }
        return found;
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();

    [GeneratedRegex(@"^\s*[0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}\s*$")]
    private static partial Regex HashLine();
}
