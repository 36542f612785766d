using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aggregator.Testing;

namespace Aggregator.Bench;

/// <summary>`aggregator run --role ROLE` (the Release CLI) pinned to one core with taskset, as its own broker user, its output kept.</summary>
internal sealed class RoleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private RoleProcess(Process process) => _process = process;

    /// <summary>One process of <paramref name="role"/> per core, each as its own user: ROLE, ROLE-2, …; each once it has printed <paramref name="ready"/> <paramref name="times"/> times.</summary>
    public static async Task<RoleProcess[]> StartOnCoresAsync(string config, string role, int[] cores, string brokerUrl, string credentialsRoot, string ready, int times)
    {
        var processes = cores.Select((core, i) => Start(config, role, core, brokerUrl, credentialsRoot, i == 0 ? role : $"{role}-{i + 1}")).ToArray();
        foreach (var process in processes)
        {
            await process.WaitForAsync(ready, times);
        }
        return processes;
    }

    /// <summary>The transport of <paramref name="user"/> on a broker as deploy/local/rabbitmq.sh starts it.</summary>
    public static Aggregator.Host.Bus.BusTransport Transport(string brokerUrl, string credentialsRoot, string user) =>
        Aggregator.Host.Bus.BusTransport.Parse(new UriBuilder(brokerUrl) { UserName = user }.Uri.ToString(), Path.Combine(credentialsRoot, user));

    public static RoleProcess Start(string config, string role, int core, string brokerUrl, string credentialsRoot, string user)
    {
        var cli = Path.Combine(RepositoryPaths.Root, "src", "Aggregator.Cli", "bin", "Release", "net10.0", "aggregator.dll");
        var url = new UriBuilder(brokerUrl) { UserName = user }.Uri.ToString();
        var start = new ProcessStartInfo("taskset", ["-c", core.ToString(CultureInfo.InvariantCulture), "dotnet", "exec", cli,
            "run", "--config", config, "--role", role, "--bus", url, "--bus-credentials", Path.Combine(credentialsRoot, user)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = new RoleProcess(Process.Start(start) ?? throw new InvalidOperationException($"{role} did not start"));
        process._process.OutputDataReceived += (_, e) => process.Append(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Append(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

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

    /// <summary>Until the output holds <paramref name="text"/> <paramref name="times"/> times.</summary>
    public async Task WaitForAsync(string text, int times)
    {
        while (System.Text.RegularExpressions.Regex.Count(Log, System.Text.RegularExpressions.Regex.Escape(text)) < times)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the process exited:\n{Log}");
            }
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
