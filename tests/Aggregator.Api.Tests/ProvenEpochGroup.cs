using Aggregator.Testing;

namespace Aggregator.Api.Tests;

/// <summary>The tests that share one proven epoch (proving takes seconds, so it is done once) and one api with a prover (whose keys take seconds to load).</summary>
[CollectionDefinition(Name)]
public sealed class ProvenEpochGroup : ICollectionFixture<ApiTestBed>
{
    public const string Name = "proven epoch";
}

/// <summary>The proven epoch, and, built at first use, a world around it served by the api with a prover.</summary>
public sealed class ApiTestBed : IAsyncLifetime
{
    private readonly Lazy<(ApiWorld World, ApiFactory Api)> _served;

    public ApiTestBed() => _served = new(() =>
    {
        var world = new ApiWorld(Proven);
        return (world, new ApiFactory(world.WithProver()));
    });

    public ProvenEpochFixture Proven { get; } = new();

    /// <summary>A world shared by the tests that only read it.</summary>
    public ApiWorld World => _served.Value.World;

    /// <summary>The api and a prover serving <see cref="World"/>.</summary>
    public ApiFactory Served => _served.Value.Api;

    public Task InitializeAsync() => Proven.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (_served.IsValueCreated)
        {
            await _served.Value.Api.DisposeAsync();
            _served.Value.World.Dispose();
        }
        await Proven.DisposeAsync();
    }
}
