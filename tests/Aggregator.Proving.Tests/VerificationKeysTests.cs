using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Aggregator.Core.Errors;
using Aggregator.Testing;

namespace Aggregator.Proving.Tests;

public class VerificationKeysTests
{
    [Fact]
    public void The_pins_are_the_committed_keys()
    {
        var keys = RepositoryPaths.Combine("circuits", "keys");
        Assert.Equal(["collateral_20_4", "inclusion_20_4", "solvency_4"], VerificationKeys.Circuits.Order());
        foreach (var circuit in VerificationKeys.Circuits)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(keys, circuit + ".vkey.json"))));
            Assert.Equal(actual, VerificationKeys.PinnedSha256(circuit));
            // The copy installed next to the program is the same file.
            Assert.Equal(circuit, VerificationKeys.Installed().Load(circuit).Circuit);
        }
    }

    [Fact]
    public void The_proving_key_pins_are_the_committed_keys_and_the_keys_manifest_s()
    {
        var keys = RepositoryPaths.Combine("circuits", "keys");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(keys, "manifest.json")))!["circuits"]!;
        foreach (var circuit in VerificationKeys.Circuits)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(keys, circuit + ".zkey"))));
            Assert.Equal(actual, ProvingKeys.PinnedZkeySha256(circuit));
            Assert.Equal(actual, manifest[circuit]!["zkeySha256"]!.GetValue<string>());
        }
    }

    [Fact]
    public void A_proving_key_that_is_not_the_pinned_file_is_checked_point_by_point()
    {
        var zkey = File.ReadAllBytes(RepositoryPaths.Combine("circuits", "keys", "solvency_4.zkey"));
        Assert.Equal(12, ProvingKeys.Read("solvency_4", zkey, "solvency_4.zkey").PublicCount);
        // The y of H's first point (section 9), flipped: the pinned hash no longer matches, so the points are checked.
        var position = 12;
        while (BitConverter.ToInt32(zkey, position) != 9)
        {
            position += 12 + (int)BitConverter.ToInt64(zkey, position + 4);
        }
        zkey[position + 12 + 32] ^= 1;
        var error = Assert.Throws<Crypto.Groth16.ProofFormatException>(() => ProvingKeys.Read("solvency_4", zkey, "solvency_4.zkey"));
        Assert.Contains("a point of H is not on the curve", error.Message, StringComparison.Ordinal);
        // Nor does another circuit's pin admit it unchecked.
        Assert.Throws<Crypto.Groth16.ProofFormatException>(() => ProvingKeys.Read("inclusion_20_4", zkey, "solvency_4.zkey"));
    }

    [Theory]
    [InlineData("../inclusion_20_4")]
    [InlineData("/etc/passwd")]
    [InlineData("inclusion_20_5")]
    public void Only_pinned_circuits_have_keys(string circuit)
    {
        var error = Assert.Throws<InputException>(() => VerificationKeys.Installed().Load(circuit));
        Assert.Contains("no pinned verification key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_keys_directory_without_the_key_is_an_input_error()
    {
        var folder = Directory.CreateTempSubdirectory("aggregator-nokeys-").FullName;
        try
        {
            Assert.Contains("is missing", Assert.Throws<InputException>(() => VerificationKeys.At(folder).Load("solvency_4")).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }
}
