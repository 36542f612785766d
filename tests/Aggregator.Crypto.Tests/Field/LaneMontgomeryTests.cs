using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;

namespace Aggregator.Crypto.Tests.Field;

public class LaneMontgomeryTests
{
    private static readonly BigInteger LaneR = BigInteger.One << 261;

    public static TheoryData<string> Moduli => new() { "Fq", "Fr" };

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Product_is_a_times_b_over_2_to_the_261_for_operands_up_to_twelve_q(string modulus)
    {
        ForModulus(modulus, Products<FqModulus>, Products<FrModulus>);
    }

    private static void Products<TModulus>() where TModulus : struct, IModulus
    {
        Assert.True(LaneMontgomery<TModulus>.IsSupported, "this project's machines have AVX2");
        var q = Montgomery<TModulus>.Modulus;
        var random = new Random(7);
        var inverse = BigInteger.ModPow(LaneR, q - 2, q);
        var edges = new[] { BigInteger.Zero, BigInteger.One, q - 1, q, 2 * q - 1, 6 * q - 1, 12 * q - 1, (BigInteger.One << 232) - 1 };
        for (var trial = 0; trial < 500; trial++)
        {
            var a = new BigInteger[4];
            var b = new BigInteger[4];
            for (var lane = 0; lane < 4; lane++)
            {
                a[lane] = trial < edges.Length && lane == 0 ? edges[trial] : Below(random, 12 * q);
                b[lane] = trial < edges.Length && lane == 1 ? edges[trial] : Below(random, 12 * q);
            }
            if (trial < edges.Length)
            {
                (a[2], b[2]) = (edges[trial], edges[trial]);
            }
            var product = default(FieldLanes);
            LaneMontgomery<TModulus>.Multiply(Lanes<TModulus>(a), Lanes<TModulus>(b), ref product);
            for (var lane = 0; lane < 4; lane++)
            {
                var value = Value(product, lane);
                Assert.Equal(a[lane] * b[lane] * inverse % q, value % q);
                Assert.True(value < a[lane] * b[lane] / LaneR + q, $"lane {lane}: {value} above its bound");
                for (var j = 0; j < 9; j++)
                {
                    Assert.True(product[j].GetElement(lane) < 1UL << 29, $"limb {j} of lane {lane} not carried");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Subtraction_with_an_offset_never_goes_below_zero(string modulus)
    {
        ForModulus(modulus, Differences<FqModulus>, Differences<FrModulus>);
    }

    private static void Differences<TModulus>() where TModulus : struct, IModulus
    {
        var q = Montgomery<TModulus>.Modulus;
        var random = new Random(8);
        foreach (var k in new[] { 2, 3, 5 })
        {
            var offset = LaneMontgomery<TModulus>.MultipleOfModulus(k);
            Assert.Equal(k * q, Value(offset, 0));
            for (var trial = 0; trial < 300; trial++)
            {
                // The largest subtrahend each offset takes: k − 1 times q, less a little.
                var a = new[] { Below(random, 2 * q), BigInteger.Zero, Below(random, q), 2 * q - 1 };
                var b = new[] { Below(random, (k - 1) * q), (k - 1) * q - 1, BigInteger.Zero, (k - 1) * q - 1 };
                var difference = default(FieldLanes);
                LaneMontgomery<TModulus>.Subtract(Lanes<TModulus>(a), Lanes<TModulus>(b), offset, ref difference);
                for (var lane = 0; lane < 4; lane++)
                {
                    Assert.Equal(a[lane] + k * q - b[lane], Value(difference, lane));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Load_then_store_gives_the_canonical_values_back_and_pads_past_the_end(string modulus)
    {
        ForModulus(modulus, RoundTrips<FqModulus>, RoundTrips<FrModulus>);
    }

    private static void RoundTrips<TModulus>() where TModulus : struct, IModulus
    {
        var q = Montgomery<TModulus>.Modulus;
        var random = new Random(9);
        for (var count = 1; count <= 4; count++)
        {
            var values = Enumerable.Range(0, count).Select(i => i == 0 ? q - 1 : Below(random, q)).ToArray();
            var words = MemoryMarshal.Cast<Limbs, Vector256<ulong>>(values.Select(Limbs.FromBigInteger).ToArray()).ToArray();
            var padding = MemoryMarshal.Cast<Limbs, Vector256<ulong>>([Limbs.FromBigInteger(12345)])[0];
            var lanes = default(FieldLanes);
            LaneMontgomery<TModulus>.Load(words, 0, 1, padding, ref lanes);
            for (var lane = 0; lane < 4; lane++)
            {
                Assert.Equal(lane < count ? values[lane] : 12345, Value(lanes, lane));
            }
            var stored = new Vector256<ulong>[count];
            LaneMontgomery<TModulus>.StoreCanonical(lanes, stored, 0, 1);
            Assert.Equal(words, stored);
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Store_reduces_any_value_below_2_to_the_261(string modulus)
    {
        ForModulus(modulus, Reductions<FqModulus>, Reductions<FrModulus>);
    }

    private static void Reductions<TModulus>() where TModulus : struct, IModulus
    {
        var q = Montgomery<TModulus>.Modulus;
        var random = new Random(10);
        var edges = new[] { q, q - 1, 2 * q - 1, 2 * q, 5 * q, 6 * q - 1, LaneR - 1, (LaneR / q) * q, (LaneR / q) * q - 1 };
        for (var trial = 0; trial < 400; trial++)
        {
            var values = Enumerable.Range(0, 4).Select(lane => trial < edges.Length && lane < 2 ? edges[trial] : Below(random, LaneR)).ToArray();
            var lanes = Lanes<TModulus>(values);
            if (trial % 2 == 1)
            {
                // Uncarried limbs, as after a subtraction: move 2^29 of every limb into the one below.
                for (var j = 8; j > 0; j--)
                {
                    var borrow = Vector256.Min(lanes[j], Vector256.Create(1UL));
                    lanes[j] -= borrow;
                    lanes[j - 1] += borrow << 29;
                }
            }
            var stored = new Vector256<ulong>[4];
            LaneMontgomery<TModulus>.StoreCanonical(lanes, stored, 0, 1);
            var limbs = MemoryMarshal.Cast<Vector256<ulong>, Limbs>(stored);
            for (var lane = 0; lane < 4; lane++)
            {
                Assert.Equal(values[lane] % q, limbs[lane].ToBigInteger());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Times_32_is_exact_for_values_below_2_to_the_256(string modulus)
    {
        ForModulus(modulus, TimesThirtyTwo<FqModulus>, TimesThirtyTwo<FrModulus>);
    }

    private static void TimesThirtyTwo<TModulus>() where TModulus : struct, IModulus
    {
        var random = new Random(11);
        for (var trial = 0; trial < 200; trial++)
        {
            var values = new[] { Below(random, BigInteger.One << 256), (BigInteger.One << 256) - 1, Below(random, BigInteger.One << 40), BigInteger.Zero };
            var product = default(FieldLanes);
            LaneMontgomery<TModulus>.MultiplyBy32(Lanes<TModulus>(values), ref product);
            for (var lane = 0; lane < 4; lane++)
            {
                Assert.Equal(32 * values[lane], Value(product, lane));
                for (var j = 0; j < 8; j++)
                {
                    Assert.True(product[j].GetElement(lane) < 1UL << 29, $"limb {j} of lane {lane} not carried");
                }
            }
        }
    }

    [Fact]
    public void Values_at_or_above_2_to_the_261_cannot_be_broadcast()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LaneMontgomery<FqModulus>.Broadcast(LaneR));
        Assert.Throws<ArgumentOutOfRangeException>(() => LaneMontgomery<FqModulus>.Broadcast(-1));
    }

    private static void ForModulus(string modulus, Action fq, Action fr)
    {
        if (modulus == "Fq")
        {
            fq();
        }
        else
        {
            fr();
        }
    }

    private static FieldLanes Lanes<TModulus>(BigInteger[] values) where TModulus : struct, IModulus
    {
        var lanes = default(FieldLanes);
        for (var lane = 0; lane < 4; lane++)
        {
            var one = LaneMontgomery<TModulus>.Broadcast(values[lane]);
            for (var j = 0; j < 9; j++)
            {
                lanes[j] = lanes[j].WithElement(lane, one[j].GetElement(0));
            }
        }
        return lanes;
    }

    private static BigInteger Value(in FieldLanes lanes, int lane)
    {
        var value = BigInteger.Zero;
        for (var j = 8; j >= 0; j--)
        {
            value = (value << 29) + lanes[j].GetElement(lane);
        }
        return value;
    }

    private static BigInteger Below(Random random, BigInteger bound)
    {
        var bytes = new byte[bound.GetByteCount() + 8];
        random.NextBytes(bytes);
        bytes[^1] = 0;
        return new BigInteger(bytes) % bound;
    }
}
