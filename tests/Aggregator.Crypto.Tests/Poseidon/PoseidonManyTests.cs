using System.Numerics;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;

namespace Aggregator.Crypto.Tests.Poseidon;

public class PoseidonManyTests
{
    public static TheoryData<bool> Paths => new() { true, false };

    [Fact]
    public void Lanes_are_there_on_this_projects_machines()
    {
        // Without AVX2 every lane test below would test the scalar fallback twice.
        Assert.True(PoseidonLanes.IsSupported);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Many_hashes_equal_one_by_one_for_every_width_and_count(bool inLanes)
    {
        var random = new Random(26);
        for (var width = 1; width <= PoseidonHash.MaxInputs; width++)
        {
            foreach (var count in new[] { 1, 2, 3, 4, 5, 7, 8, 9 })
            {
                var inputs = new Fr[count * width];
                for (var i = 0; i < inputs.Length; i++)
                {
                    inputs[i] = RandomElement(random, i);
                }
                var outputs = new Fr[count];
                PoseidonHash.HashMany(inputs, width, outputs, inLanes);
                for (var h = 0; h < count; h++)
                {
                    Assert.Equal(PoseidonHash.Hash(inputs.AsSpan(h * width, width)), outputs[h]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Circomlibjs_vectors_come_out_of_every_lane(bool inLanes)
    {
        foreach (var row in PoseidonHashTests.CircomlibjsVectors())
        {
            var vector = ((string[])row[0]).Select(Fr.Parse).ToArray();
            var expected = Fr.Parse((string)row[1]);
            // The vector in lane 0, 1, 2 and 3 of one call, the other lanes holding other inputs.
            for (var lane = 0; lane < 4; lane++)
            {
                var inputs = new Fr[4 * vector.Length];
                for (var i = 0; i < inputs.Length; i++)
                {
                    inputs[i] = Fr.FromUInt64((ulong)i + 1000);
                }
                vector.CopyTo(inputs, lane * vector.Length);
                var outputs = new Fr[4];
                PoseidonHash.HashMany(inputs, vector.Length, outputs, inLanes);
                Assert.Equal(expected, outputs[lane]);
            }
        }
    }

    [Fact]
    public void Mismatched_lengths_and_widths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PoseidonHash.HashMany(new Fr[5], 2, new Fr[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PoseidonHash.HashMany(new Fr[17], 17, new Fr[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PoseidonHash.HashMany([], 0, []));
    }

    // Mostly uniform elements, with the extremes (0, 1, q − 1) among them, where carries and reductions are tight.
    private static Fr RandomElement(Random random, int index)
    {
        switch (index % 7)
        {
            case 0:
                return Fr.FromBigInteger(Fr.Modulus - 1);
            case 3:
                return Fr.Zero;
            case 5:
                return Fr.One;
            default:
                var bytes = new byte[33];
                random.NextBytes(bytes);
                bytes[32] = 0;
                return Fr.FromBigInteger(new BigInteger(bytes) % Fr.Modulus);
        }
    }
}
