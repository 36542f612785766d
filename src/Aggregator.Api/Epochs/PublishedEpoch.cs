using Aggregator.Commitment;

namespace Aggregator.Api.Epochs;

/// <summary>An epoch published on the registry: its directory (on the shared volume) and its manifest, checked to recompute.</summary>
internal sealed record PublishedEpoch(string Directory, EpochManifest Manifest)
{
    public ulong Epoch => Manifest.Epoch;

    /// <summary>The publisher's address in lower case.</summary>
    public string Publisher => Manifest.Publisher;

    public EpochManifest.PublicationEntry Publication => Manifest.Publication!;
}
