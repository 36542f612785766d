using System.Diagnostics;
using System.Numerics;
using Aggregator.Crypto.Bn254;

namespace Aggregator.Bench;

/// <summary>
/// The base field's product and inverse, the MSM's two costs: a chain of products (each waits for the
/// last), and the inverse against Fermat's a^(q−2) by the same products (the naive anchor), on the
/// same values, checked equal.
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
            Console.WriteLine($"round {round + 1}: product {productNs:F1} ns (a chain of {Products:N0}); inverse {inverseUs:F2} us, a^(q-2) {fermatUs:F2} us (mean of {xs.Length:N0} values) [{(product + sink).IsZero}]");
        }
    }
}
