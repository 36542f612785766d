using Aggregator.Core.Chains;
using Aggregator.Reserves.Claims;

namespace Aggregator.Reserves.Tests;

/// <summary>The claims root, held to an independent implementation (ethers 5's keccak and ABI coder), and its proofs.</summary>
public sealed class ClaimsTreeTests
{
    private static readonly (ChainId Chain, string Address)[] Claims =
    [
        (ChainId.Evm(1), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        (ChainId.Evm(1), "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"),
        (ChainId.Evm(10), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
        (new ChainId(ChainFamily.Solana, "mainnet"), "11111111111111111111111111111112"),
    ];

    [Fact]
    public void Leaves_and_roots_are_the_ones_ethers_computes()
    {
        Assert.Equal("347a255ed6ea67eb829a442c6e567356a71ed0574c96b6891d5cee07ee2fcf3d", Convert.ToHexStringLower(ClaimsTree.Leaf(Claims[0].Chain, Claims[0].Address)));
        Assert.Equal("fc5c69caddde6fa15a37ed0ea5b182311bc0ec86e184cf9426eb4fb19946dfbb", Convert.ToHexStringLower(ClaimsTree.Leaf(Claims[3].Chain, Claims[3].Address)));
        Assert.Equal("0xafcf32b9ed84937c97fcff1e63857599170eb30a6e4b00bf1d56e245b07774c1", ClaimsTree.Of(Claims).RootHex);
        // Three leaves: the odd one goes up unchanged.
        Assert.Equal("0x9d165af17339b091c08a51b0c3e91e122e6cb0ace51a76d8538ed2b279eb9752", ClaimsTree.Of(Claims[..3]).RootHex);
        Assert.Equal(new byte[32], ClaimsTree.Of([]).Root);
    }

    [Fact]
    public void The_root_does_not_depend_on_order_case_or_repeats()
    {
        var root = ClaimsTree.Of(Claims).RootHex;
        Assert.Equal(root, ClaimsTree.Of(Claims.Reverse()).RootHex);
        Assert.Equal(root, ClaimsTree.Of([.. Claims, (ChainId.Evm(1), "0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266")]).RootHex);
    }

    [Fact]
    public void Every_claim_has_a_proof_to_the_root_and_nothing_else_does()
    {
        foreach (var count in new[] { 1, 2, 3, 4 })
        {
            var tree = ClaimsTree.Of(Claims[..count]);
            foreach (var (chain, address) in Claims[..count])
            {
                Assert.True(ClaimsTree.Verify(tree.Root, chain, address, tree.ProofOf(chain, address)!));
                Assert.False(ClaimsTree.Verify(tree.Root, ChainId.Evm(5), address.StartsWith("0x", StringComparison.Ordinal) ? address : Claims[0].Address, tree.ProofOf(chain, address)!));
            }
        }
        var three = ClaimsTree.Of(Claims[..3]);
        Assert.Null(three.ProofOf(Claims[3].Chain, Claims[3].Address));
        Assert.False(ClaimsTree.Verify(three.Root, Claims[3].Chain, Claims[3].Address, three.ProofOf(Claims[0].Chain, Claims[0].Address)!));
        Assert.Throws<FormatException>(() => ClaimsTree.Leaf(ChainId.Evm(1), "0x1234"));
        Assert.Throws<FormatException>(() => ClaimsTree.Leaf(Claims[3].Chain, "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"));
    }
}
