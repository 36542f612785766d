using System.Text.RegularExpressions;
using Aggregator.Testing;
using YamlDotNet.RepresentationModel;

namespace Aggregator.Cli.Tests.Deployment;

/// <summary>
/// What can be checked of deploy/ without a Docker engine or a cluster: every YAML file parses, every
/// container's command is one the CLI accepts, with the configuration it mounts (run --check: every
/// option and every configuration key validated, no network call), and the engine's partitions add up.
/// </summary>
public sealed class DeploymentFilesTests : IDisposable
{
    private static readonly string Deploy = RepositoryPaths.Combine("deploy");
    private readonly string _config;

    public DeploymentFilesTests()
    {
        // The mounted configuration, with the Secret's key file where the prover finds it.
        _config = Directory.CreateTempSubdirectory("aggregator-deploy-").FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(Deploy, "config")))
        {
            File.Copy(file, Path.Combine(_config, Path.GetFileName(file)));
        }
        File.WriteAllText(Path.Combine(_config, "publisher.key"), "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n");
        var main = Path.Combine(_config, "aggregator.json");
        File.WriteAllText(main, File.ReadAllText(main).Replace("/run/secrets/publisher.key", "publisher.key", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_config, recursive: true);

    public static TheoryData<string> YamlFiles() =>
        [.. Directory.GetFiles(Deploy, "*.y*ml", SearchOption.AllDirectories).Where(f => !f.Contains("node_modules", StringComparison.Ordinal)).Select(f => Path.GetRelativePath(Deploy, f))];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Every_yaml_file_parses(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Deploy, file)));
        stream.Load(reader);
        Assert.NotEmpty(stream.Documents);
    }

    [Fact]
    public void Every_compose_service_s_command_is_accepted_with_the_mounted_configuration()
    {
        var services = (YamlMappingNode)Root("docker-compose.yml")["services"];
        var commands = services.Children.Where(s => ((YamlMappingNode)s.Value).Children.ContainsKey("command"))
            .ToDictionary(s => s.Key.ToString(), s => ((YamlSequenceNode)((YamlMappingNode)s.Value)["command"]).Select(n => n.ToString()).ToArray());
        Assert.Equal(["adapter", "api", "broker-users", "engine-0", "engine-1", "oracle", "prover", "risk", "tree-worker"], commands.Keys.Order(StringComparer.Ordinal));
        commands.Remove("broker-users");
        foreach (var (name, command) in commands)
        {
            Check(name, command);
        }
        var partitions = commands.Values.Where(c => c.Contains("engine")).Select(c => c[Array.IndexOf(c, "--partition") + 1]).ToArray();
        Assert.Equal(["0/2", "1/2"], partitions.Order(StringComparer.Ordinal));
        Assert.Equal(2, ConfiguredPartitions());
    }

    [Fact]
    public void Every_kubernetes_container_s_command_is_accepted_and_the_engine_replicas_are_the_partitions()
    {
        var kustomization = Root("kustomization.yaml");
        var resources = ((YamlSequenceNode)kustomization["resources"]).Select(r => r.ToString()).ToArray();
        Assert.All(resources, r => Assert.True(File.Exists(Path.Combine(Deploy, r)), r));
        var generated = ((YamlSequenceNode)kustomization["configMapGenerator"]).Concat((YamlSequenceNode)kustomization["secretGenerator"])
            .SelectMany(g => (YamlSequenceNode)((YamlMappingNode)g)["files"]).Select(f => f.ToString()).ToArray();
        Assert.All(generated, f => Assert.True(File.Exists(Path.Combine(Deploy, f)), f));
        var roles = new List<string>();
        foreach (var resource in resources)
        {
            // A file may hold several documents (the api's Deployment, its volume claim and its Service): the first is the workload.
            var manifest = Root(resource);
            if (manifest["kind"].ToString() is not ("Deployment" or "StatefulSet"))
            {
                continue;
            }
            var spec = (YamlMappingNode)manifest["spec"];
            var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)spec["template"])["spec"])["containers"])[0];
            var args = ((YamlSequenceNode)container["args"]).Select(a => a.ToString()).ToArray();
            // A shell line (the engine derives its partition from the pod's ordinal) is split as sh would.
            var command = args.Length == 1 ? Regex.Matches(args[0], "\"[^\"]*\"|\\S+").Select(m => m.Value.Trim('"')).Skip(3).ToArray() : args;
            var replicas = int.Parse(spec["replicas"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            var role = command[Array.IndexOf(command, "--role") + 1];
            roles.Add(role);
            if (role == "engine")
            {
                Assert.Equal("StatefulSet", manifest["kind"].ToString());
                Assert.Equal(ConfiguredPartitions(), replicas);
                Assert.Equal("${HOSTNAME##*-}/" + replicas, command[Array.IndexOf(command, "--partition") + 1]);
                for (var ordinal = 0; ordinal < replicas; ordinal++)
                {
                    Check($"{resource} pod {ordinal}", [.. command.Select(a => a.Replace("${HOSTNAME##*-}", ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))]);
                }
            }
            else
            {
                Assert.Equal(1, replicas);
                Check(resource, command);
            }
        }
        Assert.Equal(["adapter", "api", "engine", "oracle", "prover", "risk", "tree-worker"], roles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_kubernetes_broker_setup_creates_the_users_compose_creates_and_bounds_the_queues()
    {
        static string Script(YamlNode lines) => lines is YamlSequenceNode sequence ? string.Join('\n', sequence.Select(n => n.ToString())) : lines.ToString();
        static string[] Users(string script) => Regex.Match(script, @"for user in ([a-z0-9 -]+); do").Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var job = Root("k8s/broker-setup.yaml");
        Assert.Equal("Job", job["kind"].ToString());
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)job["spec"])["template"])["spec"])["containers"])[0];
        var kubernetes = Script(container["args"]);
        var compose = Script(((YamlMappingNode)((YamlMappingNode)Root("docker-compose.yml")["services"])["broker-users"])["command"]);
        Assert.Equal(Users(compose), Users(kubernetes));
        Assert.Contains("engine-0-of-2", Users(kubernetes));
        foreach (var script in new[] { compose, kubernetes })
        {
            Assert.Contains("bash /broker/add-user.sh", script, StringComparison.Ordinal);
            Assert.Contains("bash /broker/limits.sh", script, StringComparison.Ordinal);
            Assert.Contains("delete_user guest", script, StringComparison.Ordinal);
        }
    }

    private void Check(string where, string[] command)
    {
        // The mounted Secrets (/run/…) as folders here: the broker user's credentials folder holds its password.
        var arguments = command
            .Select(a => a.Replace("/config/", _config + "/", StringComparison.Ordinal).Replace("/run/", _config + "/run/", StringComparison.Ordinal))
            .Append("--check").ToArray();
        var credentials = arguments[Array.IndexOf(arguments, "--bus-credentials") + 1];
        Directory.CreateDirectory(credentials);
        File.WriteAllText(Path.Combine(credentials, "password"), "secret\n");
        Assert.DoesNotContain(command, a => a.Contains("password", StringComparison.OrdinalIgnoreCase) || a.Contains(":secret@", StringComparison.Ordinal));
        Assert.StartsWith("amqps://", arguments[Array.IndexOf(arguments, "--bus") + 1], StringComparison.Ordinal);
        var (exit, output, error) = CliRunner.Run(arguments);
        Assert.True(exit == 0, $"{where}: {string.Join(' ', command)}: {error}");
        Assert.StartsWith("configuration valid", output, StringComparison.Ordinal);
    }

    private int ConfiguredPartitions() =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_config, "aggregator.json")))!["epochs"]!["partitions"]!.GetValue<int>();

    private static YamlMappingNode Root(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Deploy, file)));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
