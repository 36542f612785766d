using Aggregator.Prover.Ceremony;

namespace Aggregator.Prover.Tests.Ceremony;

/// <summary>The hashes read from snarkjs 0.7.6's output (its formatHash blocks), as <c>zkey verify</c> prints them.</summary>
public sealed class SnarkjsOutputTests
{
    private const string Verified = """
        [INFO]  snarkJS: Circuit Hash: 
        		a7725b1a 6ffb7209 25330166 cf9cede7
        		fc5252e8 acc4fd9f dc8cd709 3c75b2de
        		bd0fc667 a6e620f2 12b70582 df7b2950
        		2a6cbc9c 5c410216 33795ea8 daac7eb8
        [INFO]  snarkJS: -------------------------
        [INFO]  snarkJS: contribution #2 beacon: Bitcoin block 900000:
        		af48955e cb6d2c65 fafc2663 dc18f22c
        		1e238532 7716485a 5a97defd 02ed0af1
        		c8d58cf3 c6d5982d a79825ef 54483a77
        		398e9b24 2a7be63b f9dda2fa ee8962ec
        [INFO]  snarkJS: Beacon generator: 0102
        [INFO]  snarkJS: Beacon iterations Exp: 10
        [INFO]  snarkJS: -------------------------
        [INFO]  snarkJS: contribution #1 Alice: the auditor:
        		1c2d7b93 882f1823 d5a32308 84b23dd8
        		5851cd7e a7ff9749 45d07529 57889343
        		53617177 eebbbb1f a1687864 4065abf2
        		0b3d9b59 2e18b206 bd756e8b 42903320
        [INFO]  snarkJS: ZKey Ok!
        """;

    [Fact]
    public void Every_labelled_hash_is_read_in_order()
    {
        var hashes = SnarkjsCli.Hashes(Verified);
        Assert.Equal(["[INFO]  snarkJS: Circuit Hash:", "[INFO]  snarkJS: contribution #2 beacon: Bitcoin block 900000:", "[INFO]  snarkJS: contribution #1 Alice: the auditor:"], hashes.Select(h => h.Label));
        Assert.Equal("1c2d7b93882f1823d5a3230884b23dd85851cd7ea7ff974945d07529578893435361717" + "7eebbbb1fa16878644065abf20b3d9b592e18b206bd756e8b42903320", hashes[2].Hash);
        Assert.All(hashes, h => Assert.Equal(128, h.Hash.Length));
    }

    [Fact]
    public void A_block_cut_short_is_no_hash()
    {
        var cut = string.Join('\n', Verified.Split('\n').Take(4));
        Assert.Empty(SnarkjsCli.Hashes(cut));
    }
}
