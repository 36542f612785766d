using System.Diagnostics;
using System.Text;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// One role of `aggregator run` in a process of its own (the built CLI, run with dotnet), its output
/// kept for the failure message; <see cref="Kill"/> is SIGKILL, and disposing stops it the same way.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServiceProcess(string role, IReadOnlyList<string> arguments)
    {
        Role = role;
        var cli = typeof(Cli.CliApplication).Assembly.Location;
        _process = Process.Start(new ProcessStartInfo("dotnet", ["exec", cli, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Role { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <param name="bus"><c>--bus URL --bus-credentials FOLDER</c>.</param>
    public static ServiceProcess Run(string config, string role, IReadOnlyList<string> bus, string partition = "0/1") =>
        new(role, ["run", "--config", config, "--role", role, .. bus, "--partition", partition]);

    /// <summary>Waits until the process has printed <paramref name="text"/> (for example that its bus is up).</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Role} did not print '{text}' within {timeout.TotalSeconds} s{(HasExited ? " (it exited)" : "")}:\n{Log}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod in a rolling restart, and the exit code once the process has shut down.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal!.WaitForExitAsync();
        }
        await _process.WaitForExitAsync(new CancellationTokenSource(timeout).Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, nothing flushed or acknowledged on the way out.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
