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
