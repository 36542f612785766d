using System.Diagnostics;
using System.Globalization;
using Aggregator.Commitment;

namespace Aggregator.Cli.Console;

/// <summary>A one-line progress display on stderr, redrawn at most ten times a second; silent when not interactive.</summary>
internal sealed class TerminalProgress(TextWriter error, bool interactive, string label) : IProgress<TreeBuildProgress>, IDisposable
{
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private bool _drawn;

    public void Report(TreeBuildProgress value)
    {
        if (!interactive)
        {
            return;
        }
        lock (_gate)
        {
            if (_drawn && _sinceDraw.ElapsedMilliseconds < 100 && value.HashesDone < value.HashesTotal)
            {
                return;
            }
            _sinceDraw.Restart();
            _drawn = true;
            error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{label} {value.Fraction,6:P1}  ({value.HashesDone:N0} of {value.HashesTotal:N0} hashes)"));
        }
    }

    public void Dispose()
    {
        if (_drawn)
        {
            error.WriteLine();
        }
    }
}
