using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Aggregator.Crypto.Bn254;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Field.Lanes;
using Aggregator.Crypto.Prover;
using Aggregator.Crypto.Prover.Lanes;
using Aggregator.Crypto.Prover.Msm;

namespace Aggregator.Bench;

/// <summary>
/// The base field's product and inverse, the MSM's two costs: a chain of products (each waits for the
/// last), the same chain four at a time in AVX2 lanes (the product the prover's MSMs, FFT and QAP use),
/// and the inverse against Fermat's a^(q−2) by the same products (the naive anchor), on the same
/// values, checked equal.
/// </summary>
internal static class FieldBenchmark
{
    public static void Run(int values)
    {
        Console.WriteLine("# Base field Fq: product and inverse");
        Console.WriteLine($"machine: {Machine.Describe()}");
        var random = new Random(5);
        var xs = Enumerable.Range(0, values).Select(_ =>
        {
            var bytes = new byte[33];
            random.NextBytes(bytes);
            bytes[32] = 0;
            return Fq.FromBigInteger(new BigInteger(bytes) % (Fq.Modulus - 1) + 1);
        }).ToArray();
        var fermat = Fq.Modulus - 2;
        foreach (var x in xs)
        {
            if (x.Inverse() != Exponentiation.Pow(x, fermat))
            {
                throw new InvalidOperationException($"the inverse of {x} is not a^(q-2)");
            }
        }
        var lanes = LaneValues(xs);
        CheckLaneProduct(xs, lanes);
        for (var round = 0; round < 5; round++)
        {
            const int Products = 2_000_000;
            var product = xs[0];
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < Products; i++)
            {
                product *= xs[i % xs.Length];
            }
            var productNs = watch.Elapsed.TotalNanoseconds / Products;
            var laneProduct = lanes[0];
            watch.Restart();
            for (var i = 0; i < Products / 4; i++)
            {
                LaneMontgomery<FqModulus>.Multiply(laneProduct, lanes[i % lanes.Length], ref laneProduct);
            }
            var laneNs = watch.Elapsed.TotalNanoseconds / Products;
            watch.Restart();
            var sink = Fq.Zero;
            foreach (var x in xs)
            {
                sink += x.Inverse();
            }
            var inverseUs = watch.Elapsed.TotalMicroseconds / xs.Length;
            watch.Restart();
            foreach (var x in xs)
            {
                sink += Exponentiation.Pow(x, fermat);
            }
            var fermatUs = watch.Elapsed.TotalMicroseconds / xs.Length;
            Console.WriteLine($"round {round + 1}: product {productNs:F1} ns, in lanes {laneNs:F1} ns per element (chains of {Products:N0}); inverse {inverseUs:F2} us, a^(q-2) {fermatUs:F2} us (mean of {xs.Length:N0} values) [{(product + sink).IsZero}{laneProduct[0][0] == 1}]");
        }
    }

    // xs four at a time in lanes (values 4k to 4k + 3 in group k).
    private static FieldLanes[] LaneValues(Fq[] xs)
    {
        var words = MemoryMarshal.Cast<Fq, Vector256<ulong>>(xs);
        var lanes = new FieldLanes[xs.Length / 4];
        for (var k = 0; k < lanes.Length; k++)
        {
            LaneMontgomery<FqModulus>.Load(words, 4 * k, 1, default, ref lanes[k]);
        }
        return lanes;
    }

    // The lane product is x·y·2^-261 mod q on the Montgomery words, lane by lane.
    private static void CheckLaneProduct(Fq[] xs, FieldLanes[] lanes)
    {
        var product = default(FieldLanes);
        LaneMontgomery<FqModulus>.Multiply(lanes[0], lanes[1], ref product);
        var stored = new Vector256<ulong>[4];
        LaneMontgomery<FqModulus>.StoreCanonical(product, stored, 0, 1);
        var words = MemoryMarshal.Cast<Fq, Limbs>(xs);
        var inverse = BigInteger.ModPow(BigInteger.One << 261, Fq.Modulus - 2, Fq.Modulus);
        for (var lane = 0; lane < 4; lane++)
        {
            var expected = words[lane].ToBigInteger() * words[4 + lane].ToBigInteger() * inverse % Fq.Modulus;
            if (MemoryMarshal.Cast<Vector256<ulong>, Limbs>(stored)[lane].ToBigInteger() != expected)
            {
                throw new InvalidOperationException($"the lane product differs from x·y·2^-261 in lane {lane}");
            }
        }
    }
}
