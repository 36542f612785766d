using System.Numerics;
using System.Text.Json;
using Aggregator.Crypto.Field;

namespace Aggregator.Crypto.Groth16;

/// <summary>
/// A snarkjs proof as the uint256[8] the Solidity verifiers and the registry take:
/// [a.x, a.y, b.x.c1, b.x.c0, b.y.c1, b.y.c0, c.x, c.y]. The EVM's pairing precompile orders each G2
/// coordinate imaginary part first, the reverse of snarkjs's JSON.
/// </summary>
public static class SolidityCalldata
{
    /// <exception cref="ProofFormatException">Not a snarkjs Groth16 proof.</exception>
    public static BigInteger[] Proof(string proofJson)
    {
        try
        {
            using var document = JsonDocument.Parse(proofJson);
            var root = document.RootElement;
            var a = root.GetProperty("pi_a");
            var b = root.GetProperty("pi_b");
            var c = root.GetProperty("pi_c");
            return [Number(a[0]), Number(a[1]), Number(b[0][1]), Number(b[0][0]), Number(b[1][1]), Number(b[1][0]), Number(c[0]), Number(c[1])];
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new ProofFormatException($"not a snarkjs groth16 proof: {error.Message}");
        }
    }

    private static BigInteger Number(JsonElement element) =>
        FieldText.TryParse(element.GetString(), BigInteger.One << 256, out var value) ? value : throw new ProofFormatException("a proof coordinate is not a decimal number");
}
