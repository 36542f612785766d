using Aggregator.Testing;

namespace Aggregator.InclusionProver.Tests;

/// <summary>The tests that share one proven epoch (proving takes seconds, so it is done once).</summary>
[CollectionDefinition(Name)]
public sealed class ProvenEpochGroup : ICollectionFixture<ProvenEpochFixture>
{
    public const string Name = "proven epoch";
}
