using System.Numerics;
using Nethereum.ABI;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Signer;
using Nethereum.Util;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>
/// What an auditor co-signs (docs/proofs.md, "Auditor co-signatures"): the EIP-712 typed struct
/// <c>CoSign(address publisher, uint64 epoch, uint256 commitment, uint256 paramsHash, bytes32 claimsRoot,
/// uint256[4] reserves, uint32[4] ratios, bytes32 reportHash)</c> of a publication as the registry stores it,
/// under the domain <c>("Aggregator SolvencyRegistry", "1", chainId, registry)</c>, so that a co-signature
/// holds for one publication, of one registry, on one chain.
/// </summary>
public sealed record CoSignStatement(
    string Publisher, ulong Epoch, BigInteger Commitment, BigInteger ParamsHash, byte[] ClaimsRoot,
    IReadOnlyList<BigInteger> Reserves, IReadOnlyList<uint> Ratios, byte[] ReportHash)
{
    public const string TypeString =
        "CoSign(address publisher,uint64 epoch,uint256 commitment,uint256 paramsHash,bytes32 claimsRoot,uint256[4] reserves,uint32[4] ratios,bytes32 reportHash)";

    private const string DomainType = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

    /// <summary>The EIP-712 digest: keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(CoSign)).</summary>
    public byte[] Digest(BigInteger chainId, string registry)
    {
        if (Reserves.Count != 4 || Ratios.Count != 4 || ClaimsRoot.Length != 32 || ReportHash.Length != 32)
        {
            throw new ArgumentException("a co-signed statement has four reserves, four ratios, and 32-byte claims root and report hash");
        }
        var abi = new ABIEncode();
        var keccak = new Sha3Keccack();
        var domain = keccak.CalculateHash(abi.GetABIEncoded(
            new ABIValue("bytes32", keccak.CalculateHash(System.Text.Encoding.UTF8.GetBytes(DomainType))),
            new ABIValue("bytes32", keccak.CalculateHash(System.Text.Encoding.UTF8.GetBytes("Aggregator SolvencyRegistry"))),
            new ABIValue("bytes32", keccak.CalculateHash(System.Text.Encoding.UTF8.GetBytes("1"))),
            new ABIValue("uint256", chainId),
            new ABIValue("address", registry)));
        // An array's encodeData is the hash of its members' 32-byte encodings, one after the other.
        var reserves = keccak.CalculateHash(abi.GetABIEncoded(Reserves.Select(r => new ABIValue("uint256", r)).ToArray()));
        var ratios = keccak.CalculateHash(abi.GetABIEncoded(Ratios.Select(r => new ABIValue("uint32", r)).ToArray()));
        var structHash = keccak.CalculateHash(abi.GetABIEncoded(
            new ABIValue("bytes32", keccak.CalculateHash(System.Text.Encoding.UTF8.GetBytes(TypeString))),
            new ABIValue("address", Publisher),
            new ABIValue("uint64", Epoch),
            new ABIValue("uint256", Commitment),
            new ABIValue("uint256", ParamsHash),
            new ABIValue("bytes32", ClaimsRoot),
            new ABIValue("bytes32", reserves),
            new ABIValue("bytes32", ratios),
            new ABIValue("bytes32", ReportHash)));
        return keccak.CalculateHash([0x19, 0x01, .. domain, .. structHash]);
    }

    /// <summary>The key's signature of the digest itself (no message prefix): r ‖ s ‖ v (27 or 28), s low (the registry refuses a high one).</summary>
    public static byte[] Sign(byte[] digest, EthECKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hex = new MessageSigner().Sign(digest, key);
        return Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);
    }
}

/// <summary>
/// An auditor or a custodian the registry's owner registered: its name, when it was registered, and when
/// it was revoked (null while it is not).
/// </summary>
public sealed record RegisteredAttestor(string Address, string Name, DateTimeOffset RegisteredAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Whether its word counts at <paramref name="time"/>: registered by then and not revoked by then.</summary>
    public bool StandsAt(DateTimeOffset time) => RegisteredAt <= time && (RevokedAt is null || RevokedAt > time);
}

/// <summary>A co-signature on record: the auditor, its report's hash, when it was recorded.</summary>
public sealed record CoSignatureOnRecord(RegisteredAttestor Auditor, byte[] ReportHash, DateTimeOffset SignedAt);

[FunctionOutput]
internal sealed class AttestorOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public AttestorStruct Value { get; set; } = new();
}

internal sealed class AttestorStruct
{
    [Parameter("string", "name", 1)]
    public string Name { get; set; } = "";

    [Parameter("uint64", "registeredAt", 2)]
    public ulong RegisteredAt { get; set; }

    [Parameter("uint64", "revokedAt", 3)]
    public ulong RevokedAt { get; set; }
}

[FunctionOutput]
internal sealed class CoSignatureOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)]
    public CoSignatureStruct Value { get; set; } = new();
}

internal sealed class CoSignatureStruct
{
    [Parameter("address", "auditor", 1)]
    public string Auditor { get; set; } = "";

    [Parameter("bytes32", "reportHash", 2)]
    public byte[] ReportHash { get; set; } = [];

    [Parameter("uint64", "signedAt", 3)]
    public ulong SignedAt { get; set; }
}

/// <summary>The registry's CoverageSet event: a publisher's new ratios and the first epoch they apply to.</summary>
[Event("CoverageSet")]
internal sealed class CoverageSetEvent : IEventDTO
{
    [Parameter("address", "publisher", 1, true)]
    public string Publisher { get; set; } = "";

    [Parameter("uint32[4]", "ratios", 2, false)]
    public List<uint> Ratios { get; set; } = [];

    [Parameter("uint64", "fromEpoch", 3, false)]
    public ulong FromEpoch { get; set; }
}
