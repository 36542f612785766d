using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>
/// A publisher's windows as announced on the registry: epoch e ends the window [e − Length, e) when
/// e = FirstEnd + n·Length, and each window is sampled at <see cref="Samples"/> heights per chain.
/// </summary>
public sealed record AnnouncedWindow(string Institution, ulong Length, ulong FirstEnd, int Samples)
{
    /// <summary>Whether <paramref name="epoch"/> ends one of these windows.</summary>
    public bool EndsWindow(ulong epoch) => epoch >= FirstEnd && (epoch - FirstEnd) % Length == 0;
}

/// <summary>Where an epoch stands on the registry (its statusOf).</summary>
public enum EpochStatus
{
    /// <summary>No window of the publisher ends at that time (or it announced none).</summary>
    NotAWindow = 0,

    /// <summary>The window has not ended, or it may still be published.</summary>
    Open = 1,

    Published = 2,

    /// <summary>Its deadline passed without a publication: the registry and every feed show it.</summary>
    Missed = 3,
}

[FunctionOutput]
internal sealed class WindowOfOutput : IFunctionOutputDTO
{
    [Parameter("uint64", "length", 1)]
    public ulong Length { get; set; }

    [Parameter("uint64", "firstEnd", 2)]
    public ulong FirstEnd { get; set; }

    [Parameter("uint8", "samples", 3)]
    public byte Samples { get; set; }
}
