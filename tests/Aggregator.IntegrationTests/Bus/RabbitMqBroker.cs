using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Aggregator.Host.Bus;
using Aggregator.Testing;
using RabbitMQ.Client;

namespace Aggregator.IntegrationTests.Bus;

/// <summary>
/// A real RabbitMQ as deploy/local/rabbitmq.sh makes it: TLS only, no guest, one user per role instance
/// with the permissions of deploy/broker/permissions.sh. The one named by AGGREGATOR_RABBITMQ (its URL)
/// and AGGREGATOR_RABBITMQ_CREDENTIALS (the folder of the users' credentials folders), as CI starts it;
/// otherwise one started here by that script on free 127.0.0.1 ports with its own directories, stopped
/// at the end. A broker that cannot be had fails the tests with the reason; it is never a skip.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    private readonly bool _own;
    private readonly IReadOnlyDictionary<string, string> _environment = new Dictionary<string, string>();
    private string? _runDirectory;
    private int _port;

    public RabbitMqBroker()
    {
    }

    private RabbitMqBroker(bool own, IReadOnlyDictionary<string, string>? environment) => (_own, _environment) = (own, environment ?? _environment);

    /// <summary>
    /// A broker of the caller's own, whatever AGGREGATOR_RABBITMQ says: a test that restarts it, or
    /// changes its settings (<paramref name="environment"/> for deploy/local/rabbitmq.sh), must not touch a shared one.
    /// </summary>
    public static RabbitMqBroker OfItsOwn(IReadOnlyDictionary<string, string>? environment = null) => new(own: true, environment);

    /// <summary>amqps://host:port/, without a user.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The folder holding one credentials folder per user.</summary>
    public string CredentialsRoot { get; private set; } = "";

    /// <summary>The bus URL for a user (<c>--bus</c>).</summary>
    public string UrlOf(string user) => new UriBuilder(Url) { UserName = user }.Uri.ToString();

    /// <summary>A user's credentials folder (<c>--bus-credentials</c>).</summary>
    public string Credentials(string user) => Path.Combine(CredentialsRoot, user);

    /// <summary>The transport a process running as <paramref name="user"/> uses.</summary>
    public BusTransport Transport(string user) => BusTransport.Parse(UrlOf(user), Credentials(user));

    /// <summary><c>--bus URL --bus-credentials FOLDER</c> for a user.</summary>
    public string[] BusArguments(string user) => ["--bus", UrlOf(user), "--bus-credentials", Credentials(user)];

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("AGGREGATOR_RABBITMQ");
        if (!_own && !string.IsNullOrEmpty(configured))
        {
            Url = configured;
            CredentialsRoot = Environment.GetEnvironmentVariable("AGGREGATOR_RABBITMQ_CREDENTIALS")
                ?? throw new InvalidOperationException("AGGREGATOR_RABBITMQ is set without AGGREGATOR_RABBITMQ_CREDENTIALS (the folder deploy/local/rabbitmq.sh prints on its second line)");
            return;
        }
        _runDirectory = Directory.CreateTempSubdirectory("aggregator-rabbitmq-").FullName;
        // The script takes the AMQPS port, the one after it (epmd) and the one 20000 above (distribution).
        _port = LocalProcesses.FreePortWith(1, 20000);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Adds a user to a broker started here, with the permissions its name's role has.</summary>
    public async Task AddUserAsync(string user)
    {
        var (exit, _, error) = await Script("add-user", user).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"user {user} not added: {error.Trim()}");
        }
    }

    /// <summary>A plain RabbitMQ.Client connection as <paramref name="user"/>, over TLS, trusting the broker's CA.</summary>
    public async Task<IConnection> ConnectAsync(string user)
    {
        var url = new Uri(Url);
        var authority = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(Credentials(user), "ca.pem")).ConfigureAwait(false));
        var factory = new ConnectionFactory
        {
            HostName = url.Host,
            Port = url.Port,
            UserName = user,
            Password = (await File.ReadAllTextAsync(Path.Combine(Credentials(user), "password")).ConfigureAwait(false)).Trim(),
            Ssl = new SslOption
            {
                Enabled = true,
                ServerName = url.Host,
                CertificateValidationCallback = (_, certificate, _, errors) => BusTransport.SignedBy(authority, certificate, errors),
            },
        };
        return await factory.CreateConnectionAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the broker and starts it again on the same port with the same data (durable queues, persistent messages and users survive).</summary>
    public async Task RestartAsync()
    {
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
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (exit != 0 || lines.Length != 2)
        {
            throw new InvalidOperationException($"no RabbitMQ: set AGGREGATOR_RABBITMQ, or make deploy/local/rabbitmq.sh work here ({error.Trim()})");
        }
        (Url, CredentialsRoot) = (lines[0], lines[1]);
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
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }
}
