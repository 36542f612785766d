using System.Numerics;
using Aggregator.Chains.Evm.Registry;
using Nethereum.Signer;

namespace Aggregator.Chains.Evm.Tests.Registry;

/// <summary>The co-signature's EIP-712 digest and signature, held to ethers 5 (<c>_TypedDataEncoder.hash</c>, <c>signDigest</c>).</summary>
public sealed class CoSignStatementTests
{
    private const string Registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private static readonly EthECKey Auditor = new("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

    private static readonly CoSignStatement Statement = new(
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", 1767225600,
        BigInteger.Parse("12345678901234567890123456789012345678901234567890"), 987654321,
        Enumerable.Repeat((byte)0xab, 32).ToArray(),
        [1_000_000, 0, BigInteger.Parse("340282366920938463463374607431768211455"), 7],
        [10_000, 10_000, 12_500, uint.MaxValue],
        Convert.FromHexString("2226e97716e6dda6d8170192e4973d68e38797c3d50d2cd3c1ea5cf9eeb20439"));

    [Fact]
    public void The_digest_is_the_one_ethers_computes()
    {
        Assert.Equal("0f9917e5c0bc7c35aca8aa6119992f0d2b71f9a34ebca9f88f0b672c3b6b5c5b", Convert.ToHexStringLower(Statement.Digest(31337, Registry)));
    }

    [Fact]
    public void The_signature_is_the_one_ethers_makes_and_has_a_low_s()
    {
        var signature = CoSignStatement.Sign(Statement.Digest(31337, Registry), Auditor);
        Assert.Equal(
            "c110224456e65ceb80a13720d1a0270edd9a8bc126b23792e04cac83f8f3644146471a522f48deb93bed8bb7f118227dd36e4d3ccc8ba4d65fe478a30cf81db71b",
            Convert.ToHexStringLower(signature));
        Assert.True(new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true)
            <= BigInteger.Parse("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", System.Globalization.NumberStyles.HexNumber));
    }

    [Fact]
    public void Every_field_and_the_domain_change_the_digest()
    {
        var digest = Statement.Digest(31337, Registry);
        CoSignStatement[] changed =
        [
            Statement with { Publisher = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" },
            Statement with { Epoch = Statement.Epoch + 1 },
            Statement with { Commitment = Statement.Commitment + 1 },
            Statement with { ParamsHash = Statement.ParamsHash + 1 },
            Statement with { ClaimsRoot = new byte[32] },
            Statement with { Reserves = [1_000_001, 0, Statement.Reserves[2], 7] },
            Statement with { Ratios = [10_000, 10_000, 12_500, 10_000] },
            Statement with { ReportHash = new byte[32] },
        ];
        foreach (var statement in changed)
        {
            Assert.NotEqual(digest, statement.Digest(31337, Registry));
        }
        Assert.NotEqual(digest, Statement.Digest(1, Registry));
        Assert.NotEqual(digest, Statement.Digest(31337, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"));
    }

    [Fact]
    public void A_statement_without_four_reserves_is_refused()
    {
        Assert.Throws<ArgumentException>(() => (Statement with { Reserves = [1, 2, 3] }).Digest(31337, Registry));
    }
}
