using System.Text;
using Aggregator.Chains.Solana.Encoding;
using Aggregator.Core.Chains;
using Nethereum.Util;

namespace Aggregator.Reserves.Claims;

/// <summary>
/// The claims root of a publication: a Merkle tree over exactly the reserve addresses it counted, so that
/// two publications claiming one address can be caught (docs/proofs.md, "Double claims"). A leaf is
/// <c>keccak256(abi.encode(keccak256(bytes(caip2)), bytes32(address)))</c> (an EVM address right-aligned in
/// its word, a Solana address its 32 bytes); the leaves are sorted ascending and made distinct; a node is
/// keccak256 of its two children in ascending order (OpenZeppelin's MerkleProof), an odd last node going
/// up unchanged. The root of no leaf is 32 zero bytes.
/// </summary>
public sealed class ClaimsTree
{
    private readonly List<byte[][]> _levels;

    private ClaimsTree(List<byte[][]> levels) => _levels = levels;

    /// <summary>The tree over these (chain, address) claims.</summary>
    /// <exception cref="FormatException">An address is not an EVM address or a Solana address of its chain's family.</exception>
    public static ClaimsTree Of(IEnumerable<(ChainId Chain, string Address)> claims)
    {
        var leaves = claims.Select(c => Leaf(c.Chain, c.Address)).DistinctBy(Convert.ToHexString).OrderBy(l => l, ByteOrder.Instance).ToArray();
        var levels = new List<byte[][]> { leaves };
        while (levels[^1].Length > 1)
        {
            var below = levels[^1];
            var above = new byte[(below.Length + 1) / 2][];
            for (var i = 0; i < above.Length; i++)
            {
                above[i] = 2 * i + 1 < below.Length ? Pair(below[2 * i], below[(2 * i) + 1]) : below[2 * i];
            }
            levels.Add(above);
        }
        return new ClaimsTree(levels);
    }

    /// <summary>The root, 32 bytes.</summary>
    public byte[] Root => _levels[^1].Length == 0 ? new byte[32] : _levels[^1][0];

    /// <summary>The root as 0x and 64 hex digits.</summary>
    public string RootHex => "0x" + Convert.ToHexStringLower(Root);

    /// <summary>The siblings from the leaf up (what OpenZeppelin's MerkleProof.verify takes), or null when the claim is not a leaf.</summary>
    public IReadOnlyList<byte[]>? ProofOf(ChainId chain, string address)
    {
        var leaf = Leaf(chain, address);
        var index = Array.FindIndex(_levels[0], l => l.AsSpan().SequenceEqual(leaf));
        if (index < 0)
        {
            return null;
        }
        var proof = new List<byte[]>();
        foreach (var level in _levels.Take(_levels.Count - 1))
        {
            var sibling = index ^ 1;
            if (sibling < level.Length)
            {
                proof.Add(level[sibling]);
            }
            index /= 2;
        }
        return proof;
    }

    /// <summary>Whether <paramref name="proof"/> leads from the claim's leaf to <paramref name="root"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> root, ChainId chain, string address, IEnumerable<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var node = Leaf(chain, address);
        foreach (var sibling in proof)
        {
            node = Pair(node, sibling);
        }
        return node.AsSpan().SequenceEqual(root);
    }

    /// <summary>A claim's leaf.</summary>
    /// <exception cref="FormatException">The address is not one of its chain's family.</exception>
    public static byte[] Leaf(ChainId chain, string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var words = new byte[64];
        Keccak(Encoding.UTF8.GetBytes(chain.ToString())).CopyTo(words, 0);
        AddressWord(chain, address).CopyTo(words, 32);
        return Keccak(words);
    }

    private static byte[] AddressWord(ChainId chain, string address)
    {
        if (chain.Family == ChainFamily.Evm)
        {
            var hex = address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? address[2..] : address;
            if (hex.Length != 40 || !hex.All(char.IsAsciiHexDigit))
            {
                throw new FormatException($"'{address}' is not an EVM address");
            }
            var word = new byte[32];
            Convert.FromHexString(hex).CopyTo(word, 12);
            return word;
        }
        return Base58.TryDecode(address) is { Length: 32 } key ? key : throw new FormatException($"'{address}' is not a Solana address");
    }

    private static byte[] Pair(byte[] a, byte[] b) =>
        ByteOrder.Instance.Compare(a, b) <= 0 ? Keccak([.. a, .. b]) : Keccak([.. b, .. a]);

    private static byte[] Keccak(byte[] data) => new Sha3Keccack().CalculateHash(data);

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
