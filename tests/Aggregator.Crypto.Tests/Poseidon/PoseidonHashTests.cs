using System.Text.Json;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;
using Aggregator.Testing;

namespace Aggregator.Crypto.Tests.Poseidon;

public class PoseidonHashTests
{
    private sealed record VectorFile(string Source, Vector[] Vectors);
    private sealed record Vector(string[] Inputs, string Output);

    public static TheoryData<string[], string> CircomlibjsVectors()
    {
        var json = File.ReadAllText(RepositoryPaths.Combine("circuits", "test-vectors", "poseidon.json"));
        var file = JsonSerializer.Deserialize<VectorFile>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var data = new TheoryData<string[], string>();
        foreach (var vector in file.Vectors)
        {
            data.Add(vector.Inputs, vector.Output);
        }
        return data;
    }

    [Fact]
    public void Hash_of_1_2_is_circomlibs_known_answer()
    {
        Assert.Equal(
            "7853200120776062878684798364095072458815029376092732009249414926327459813530",
            PoseidonHash.Hash(Fr.FromUInt64(1), Fr.FromUInt64(2)).ToString());
    }

    [Fact]
    public void Hash_of_1_2_3_4_is_circomlibs_known_answer()
    {
        Fr[] inputs = [Fr.FromUInt64(1), Fr.FromUInt64(2), Fr.FromUInt64(3), Fr.FromUInt64(4)];
        Assert.Equal(
            "18821383157269793795438455681495246036402687001665670618754263018637548127333",
            PoseidonHash.Hash(inputs).ToString());
    }

    [Theory]
    [MemberData(nameof(CircomlibjsVectors))]
    public void Every_width_reproduces_circomlibjs(string[] inputs, string expected)
    {
        var elements = inputs.Select(Fr.Parse).ToArray();
        Assert.Equal(expected, PoseidonHash.Hash(elements).ToString());
    }

    [Fact]
    public void Vector_file_covers_every_input_count_from_1_to_16()
    {
        var counts = CircomlibjsVectors().Select(row => ((string[])row[0]).Length).Distinct().Order();
        Assert.Equal(Enumerable.Range(1, 16), counts);
    }

    [Fact]
    public void No_inputs_or_more_than_16_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => PoseidonHash.Hash(ReadOnlySpan<Fr>.Empty));
        Assert.Throws<ArgumentException>(() => PoseidonHash.Hash(new Fr[17]));
    }
}
