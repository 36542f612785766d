using System.Diagnostics;
using Aggregator.Testing;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// A real RabbitMQ: the one named by AGGREGATOR_RABBITMQ (CI starts it with deploy/local/rabbitmq.sh),
/// else one started here by that script on free 127.0.0.1 ports with its own directories, and stopped
/// at the end. A broker that cannot be had fails the tests with the reason; it is never a skip.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    private string? _runDirectory;

    /// <summary>rabbitmq://user:password@host:port/ for <c>--bus</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The AMQP port, for tests that talk to the broker directly.</summary>
    public Uri Uri => new(Url);

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("AGGREGATOR_RABBITMQ");
        if (!string.IsNullOrEmpty(configured))
        {
            Url = configured;
            return;
        }
        _runDirectory = Directory.CreateTempSubdirectory("aggregator-rabbitmq-").FullName;
        // The script takes the AMQP port and the two after it (epmd) and the one 20000 above (distribution).
        var port = LocalProcesses.FreePort() % 15000 + 30000;
        var (exit, output, error) = await Script("start", port.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"no RabbitMQ: set AGGREGATOR_RABBITMQ, or make deploy/local/rabbitmq.sh work here ({error.Trim()})");
        }
        Url = output.Trim();
    }

    public async Task DisposeAsync()
    {
        if (_runDirectory != null)
        {
            await Script("stop").ConfigureAwait(false);
            Directory.Delete(_runDirectory, recursive: true);
        }
    }

    private async Task<(int Exit, string Output, string Error)> Script(params string[] args)
    {
        var start = new ProcessStartInfo("bash", [RepositoryPaths.Combine("deploy", "local", "rabbitmq.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["AGGREGATOR_RUN_DIR"] = _runDirectory;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }
}
