using Aggregator.Core.Errors;
using Aggregator.Host.Bus;

namespace Aggregator.Host.Tests.Bus;

/// <summary>The bus option: a role's own user, its password from a file, TLS off this machine.</summary>
public sealed class BusTransportTests : IDisposable
{
    private readonly string _credentials = Directory.CreateTempSubdirectory("aggregator-bus-").FullName;

    public BusTransportTests() => File.WriteAllText(Path.Combine(_credentials, "password"), "s3cret\n");

    public void Dispose() => Directory.Delete(_credentials, recursive: true);

    [Fact]
    public void A_role_user_with_its_credentials_folder_connects_over_TLS()
    {
        var transport = BusTransport.Parse("amqps://engine-0-of-2@broker.internal:5671/prod", _credentials);
        Assert.True(transport.Tls);
        Assert.Equal("engine-0-of-2", transport.Identity!.User);
        Assert.Equal("engine", transport.Identity.Role);
        Assert.DoesNotContain("s3cret", transport.RabbitMq!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("engine-0-of-2.replay.", transport.OwnQueue("replay"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amqps://engine:s3cret@broker.internal/", "carries a password")]
    [InlineData("amqps://broker.internal/", "names no broker user")]
    [InlineData("amqps://guest@broker.internal/", "names no role")]
    [InlineData("amqp://engine@broker.internal/", "is not encrypted")]
    [InlineData("http://engine@broker.internal/", "'memory' or amqps://")]
    public void A_bus_that_would_leak_or_mislabel_is_refused_before_connecting(string url, string reason)
    {
        var error = Assert.Throws<InputException>(() => BusTransport.Parse(url, _credentials));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_AMQP_to_this_machine_is_allowed_for_development() =>
        Assert.False(BusTransport.Parse("amqp://operator@127.0.0.1:5672/", _credentials).Tls);

    [Fact]
    public void A_missing_credentials_folder_is_named()
    {
        var missing = Path.Combine(_credentials, "nope");
        var error = Assert.Throws<InputException>(() => BusTransport.Parse("amqps://prover@broker.internal/", missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("adapter", "engine", "0/1", "is not a engine's")]
    [InlineData("engine-0-of-2", "engine", "1/2", "that one is 'engine-1-of-2'")]
    [InlineData("engine", "all", "0/1", "is not a all's")]
    [InlineData("tree-worker", "prover", "0/1", "is not a prover's")]
    [InlineData("prover", "tree-worker", "0/1", "is not a tree-worker's")]
    public void A_role_run_under_another_roles_user_is_refused(string user, string role, string partition, string reason)
    {
        var transport = BusTransport.Parse($"amqps://{user}@broker.internal/", _credentials);
        var error = Assert.Throws<InputException>(() => transport.RequireRole(role, EnginePartition.Parse(partition)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_all_user_runs_every_role_and_a_partition_its_own()
    {
        BusTransport.Parse("amqps://tree-worker-7@broker.internal/", _credentials).RequireRole("tree-worker");
        BusTransport.Parse("amqps://all@broker.internal/", _credentials).RequireRole("engine", EnginePartition.Parse("1/2"));
        BusTransport.Parse("amqps://engine-1-of-2@broker.internal/", _credentials).RequireRole("engine", EnginePartition.Parse("1/2"));
    }
}
