using System.Buffers.Binary;
using Aggregator.Crypto.Groth16;
using Aggregator.Testing;

namespace Aggregator.Crypto.Prover.Tests;

public class ProvingKeyTests
{
    private static readonly byte[] Solvency = File.ReadAllBytes(RepositoryPaths.Combine("circuits", "keys", "solvency_4.zkey"));

    private static VerifyingKey VerificationKey(string circuit) => Proving.SnarkjsJson.ReadVerifyingKey(File.ReadAllText(RepositoryPaths.Combine("circuits", "keys", circuit + ".vkey.json")));

    [Fact]
    public void Reads_snarkjs_key_and_matches_its_own_verification_key_only()
    {
        var key = ProvingKey.Read(Solvency, "solvency_4.zkey");
        Assert.Equal(2174, key.VariableCount);
        Assert.Equal(12, key.PublicCount); // commitment, paramsHash, epoch, publisher, 4 reserves, 4 coverage ratios
        Assert.Equal(4096, key.DomainSize);
        key.CheckMatches(VerificationKey("solvency_4"));
        var error = Assert.Throws<ProofFormatException>(() => key.CheckMatches(VerificationKey("inclusion_20_4")));
        Assert.Contains("not from the same circuit", error.Message);
    }

    [Fact]
    public void A_truncated_key_is_refused_naming_the_file()
    {
        foreach (var length in new[] { 0, 11, 200, Solvency.Length / 2, Solvency.Length - 1 })
        {
            var error = Assert.Throws<ProofFormatException>(() => ProvingKey.Read(Solvency.AsMemory(0, length), "cut.zkey"));
            Assert.Contains("cut.zkey", error.Message);
        }
    }

    [Fact]
    public void Another_format_protocol_or_curve_is_refused()
    {
        var notZkey = Solvency.ToArray();
        notZkey[0] = (byte)'w';
        Assert.Contains("magic", Assert.Throws<ProofFormatException>(() => ProvingKey.Read(notZkey, "k")).Message);

        // Section 1 (the first after the 12-byte file header and its 12-byte section header) holds the protocol.
        var plonk = Solvency.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(plonk.AsSpan(24), 2);
        Assert.Contains("not a Groth16", Assert.Throws<ProofFormatException>(() => ProvingKey.Read(plonk, "k")).Message);

        // Section 2 follows: its header (12 bytes), then n8q (4 bytes) and q.
        var otherCurve = Solvency.ToArray();
        otherCurve[28 + 12 + 4] ^= 1;
        Assert.Contains("another curve", Assert.Throws<ProofFormatException>(() => ProvingKey.Read(otherCurve, "k")).Message);
    }

    [Fact]
    public void A_point_off_the_curve_is_refused()
    {
        var key = Solvency.ToArray();
        // vk_alpha_1 starts after q (32), n8r (4), r (32), nVars, nPublic, domainSize (12): flip a bit of its y.
        var alpha = 28 + 12 + 4 + 32 + 4 + 32 + 12;
        key[alpha + 32] ^= 1;
        Assert.Contains("not on the curve", Assert.Throws<ProofFormatException>(() => ProvingKey.Read(key, "k")).Message);
    }

    [Fact]
    public void A_bad_point_in_a_large_section_is_named_and_the_first_faulty_section_in_file_order_is_reported()
    {
        // The sections are read on every core; the error must not depend on which finishes first.
        static int Section(byte[] key, int id)
        {
            var position = 12;
            while (BitConverter.ToInt32(key, position) != id)
            {
                position += 12 + (int)BitConverter.ToInt64(key, position + 4);
            }
            return position + 12;
        }
        var onlyH = Solvency.ToArray();
        onlyH[Section(onlyH, 9) + 32] ^= 1; // the y of H's first point
        Assert.Contains("a point of H is not on the curve", Assert.Throws<ProofFormatException>(() => ProvingKey.Read(onlyH, "k")).Message);
        for (var run = 0; run < 20; run++)
        {
            var both = onlyH.ToArray();
            both[Section(both, 5) + 64 * 20 + 32] ^= 1; // and the y of A's twenty-first point
            Assert.Contains("a point of A is not on the curve", Assert.Throws<ProofFormatException>(() => ProvingKey.Read(both, "k")).Message);
        }
    }
}
