
using Aggregator.IntegrationTests.Bus;
using Aggregator.IntegrationTests.Evm;
using Aggregator.IntegrationTests.Solana;
using Aggregator.Testing;

namespace Aggregator.IntegrationTests;

// One isolation model: each real server is a fixture of one collection, started once for every test
// class in it (the assembly runs collections one at a time, see AssemblyInfo.cs).

/// <summary>The tests against the EVM node, and the proven epoch the registry tests publish.</summary>
[CollectionDefinition(Name)]
public sealed class EvmNodeTests : ICollectionFixture<AnvilNode>, ICollectionFixture<ProvenEpochFixture>
{
    public const string Name = "EVM node";
}

/// <summary>The tests against the Solana test server.</summary>
[CollectionDefinition(Name)]
public sealed class SolanaServerTests : ICollectionFixture<SolanaTestServer>
{
    public const string Name = "Solana test server";
}

/// <summary>The tests against a real RabbitMQ.</summary>
[CollectionDefinition(Name)]
public sealed class RabbitMqTests : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "RabbitMQ";
}

/// <summary>The services end to end: a real EVM node under the adapters, a real RabbitMQ between the roles.</summary>
[CollectionDefinition(Name)]
public sealed class ServicesTests : ICollectionFixture<AnvilNode>, ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "services";
}

/// <summary>The roles each in a process of its own, with a broker and chains of each test's own.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessTests
{
    public const string Name = "separate processes";
}
