using System.Diagnostics;
using Aggregator.Testing;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// A real RabbitMQ: the one named by AGGREGATOR_RABBITMQ (CI starts it with deploy/local/rabbitmq.sh),
/// else, where a Docker engine answers, a Testcontainers.RabbitMq container (its port published on
/// 127.0.0.1 only), and otherwise one started here by that script on free 127.0.0.1 ports with its
/// own directories; stopped at the end. A broker that cannot be had fails the tests with the reason; it
/// is never a skip.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    private readonly bool _own;
    private string? _runDirectory;
    private int _port;
    private Testcontainers.RabbitMq.RabbitMqContainer? _container;

    public RabbitMqBroker()
    {
    }

    private RabbitMqBroker(bool own) => _own = own;

    /// <summary>A broker of the caller's own, whatever AGGREGATOR_RABBITMQ says: a test that restarts it must not restart a shared one.</summary>
    public static RabbitMqBroker OfItsOwn() => new(own: true);

    /// <summary>rabbitmq://user:password@host:port/ for <c>--bus</c>.</summary>
    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("AGGREGATOR_RABBITMQ");
        if (!_own && !string.IsNullOrEmpty(configured))
        {
            Url = configured;
            return;
        }
        if (await DockerAnswersAsync().ConfigureAwait(false))
        {
            // Where a Docker engine answers, a throwaway container; its host port is fixed so that a
            // restart keeps the URL (and the container keeps its data across stop and start).
            _port = LocalProcesses.FreePort();
            _container = new Testcontainers.RabbitMq.RabbitMqBuilder("rabbitmq:3.13-alpine")
                .WithUsername("guest").WithPassword("guest").WithPortBinding(_port, 5672)
                .WithCreateParameterModifier(container =>
                {
                    // Docker publishes a port on every interface unless told otherwise: 127.0.0.1 only.
                    foreach (var binding in container.HostConfig?.PortBindings?.Values.SelectMany(bindings => bindings) ?? [])
                    {
                        binding.HostIP = "127.0.0.1";
                    }
                })
                .Build();
            await _container.StartAsync().ConfigureAwait(false);
            Url = $"rabbitmq://guest:guest@127.0.0.1:{_port}/";
            return;
        }
        _runDirectory = Directory.CreateTempSubdirectory("aggregator-rabbitmq-").FullName;
        // The script takes the AMQP port, the one after it (epmd) and the one 20000 above (distribution).
        _port = LocalProcesses.FreePortWith(1, 20000);
        await StartAsync().ConfigureAwait(false);
    }

    // `docker info` answering means an engine is there (the client alone, as on the development machine, fails at once).
    private static async Task<bool> DockerAnswersAsync()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", ["info", "--format", "{{.ServerVersion}}"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (docker is null)
            {
                return false;
            }
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await docker.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            return docker.ExitCode == 0;
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return false; // no docker client, or no answer
        }
    }

    /// <summary>Stops the broker and starts it again on the same port with the same data (durable queues and persistent messages survive).</summary>
    public async Task RestartAsync()
    {
        if (_container is not null)
        {
            await _container.StopAsync().ConfigureAwait(false);
            await _container.StartAsync().ConfigureAwait(false);
            return;
        }
        if (_runDirectory is null)
        {
            throw new InvalidOperationException("only a broker started here can be restarted");
        }
        await Script("stop").ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    private async Task StartAsync()
    {
        var (exit, output, error) = await Script("start", _port.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"no RabbitMQ: set AGGREGATOR_RABBITMQ, or make deploy/local/rabbitmq.sh work here ({error.Trim()})");
        }
        Url = output.Trim();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }
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
