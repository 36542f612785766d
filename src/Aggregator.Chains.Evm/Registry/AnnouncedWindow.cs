using System.Numerics;
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

/// <summary>
/// What a publication links to beyond its proof: the root over the reserve addresses it counted, and the
/// publisher's previous commitment (null: the registry's latestCommitment, read before sending).
/// </summary>
public sealed record PublicationLinks(byte[] ClaimsRoot, BigInteger? PrevCommitment = null);

/// <summary>One side of a double-claim challenge: a publication, the address's path in its claims root, and the address's EIP-191 signature of that publication's ownership message.</summary>
public sealed record DoubleClaimSide(string Publisher, ulong Epoch, IReadOnlyList<byte[]> Proof, string Signature)
{
    internal object[] Encode() =>
        [Publisher, Epoch, Proof.ToList(), Convert.FromHexString(Signature.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Signature[2..] : Signature)];
}

/// <summary>A dispute on the registry: who filed it and when, its statement's hash, and the publisher's answer's hash (null until it answers).</summary>
public sealed record FiledDispute(string Filer, DateTimeOffset FiledAt, byte[] Statement, byte[]? Answer)
{
    /// <summary>keccak256(salt ‖ UTF-8 statement): what is filed; the salt keeps a short statement from being guessed.</summary>
    public static byte[] Hash(byte[] salt, string statement)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(statement);
        return salt.Length == 32
            ? new Nethereum.Util.Sha3Keccack().CalculateHash([.. salt, .. System.Text.Encoding.UTF8.GetBytes(statement)])
            : throw new ArgumentException("the salt is 32 bytes", nameof(salt));
    }
}

[FunctionOutput]
internal sealed class DisputeOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public DisputeStruct Value { get; set; } = new();
}

internal sealed class DisputeStruct
{
    [Parameter("address", "filer", 1)]
    public string Filer { get; set; } = "";

    [Parameter("uint64", "filedAt", 2)]
    public ulong FiledAt { get; set; }

    [Parameter("bytes32", "statement", 3)]
    public byte[] Statement { get; set; } = [];

    [Parameter("bytes32", "answer", 4)]
    public byte[] Answer { get; set; } = [];
}
