using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aggregator.Commitment;
using Aggregator.Core.Assets;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Poseidon;
using Aggregator.Testing;

namespace Aggregator.Bench;

/// <summary>
/// Builds the commitment tree for many accounts and sets it beside its physical limit: the number of
/// Poseidon calls of each width times one call's cost (measured in the same run) over the cores.
/// </summary>
internal static class TreeBenchmark
{
    public static void Run(int accounts, int depth, int assets)
    {
        var cores = Environment.ProcessorCount;
        Console.WriteLine($"# Merkle-sum tree: {accounts:N0} accounts, K={assets}, D={depth}");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();

        int[] widths = [.. new[] { 2, assets + 1, 2 * assets + 2 }.Distinct()];
        var scalar = widths.ToDictionary(w => w, w => MicrosecondsPerHash(w, inLanes: false));
        var lanes = widths.ToDictionary(w => w, w => MicrosecondsPerHash(w, inLanes: true));
        var anchor = CircomlibjsMicroseconds(widths);
        Console.WriteLine("| Poseidon inputs | C# one by one µs/hash | C# four in lanes µs/hash | lanes / one by one | circomlibjs µs/call |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var width in widths)
        {
            var js = anchor.TryGetValue(width, out var value) ? value : double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {width} | {scalar[width]:F2} | {lanes[width]:F2} | {lanes[width] / scalar[width]:P0} | {js:F1} |"));
        }
        Console.WriteLine();

        var parameters = new CommitmentParameters(depth,
            Enumerable.Range(0, assets).Select(i => new CommitmentAsset(new AssetId($"A{i}"), 8)).ToArray());
        var random = new Random(42);
        var rows = new LiabilityRow[accounts];
        for (var i = 0; i < accounts; i++)
        {
            var balances = new ulong[assets];
            for (var k = 0; k < assets; k++)
            {
                balances[k] = (ulong)random.NextInt64(0, 1L << 40);
            }
            rows[i] = new LiabilityRow($"account-{i:D8}", balances);
        }
        var secret = EpochSecret.Generate();

        // One by one, in lanes, one by one, in lanes: the machine's drift falls on both sides alike.
        Console.WriteLine("| run | build | seconds | accounts/s | physical limit (calls x µs/hash / cores) | build / limit | peak working set |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        var roots = new HashSet<Fr>();
        var times = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        for (var run = 1; run <= 4; run++)
        {
            var inLanes = run % 2 == 0;
            GC.Collect();
            var watch = Stopwatch.StartNew();
            var tree = MerkleSumTree.Build(parameters, rows, secret, inLanes);
            var seconds = watch.Elapsed.TotalSeconds;
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            roots.Add(tree.RootHash);
            times[inLanes].Add(seconds);
            long nodeHashes = 0;
            for (var level = 1; level <= depth; level++)
            {
                nodeHashes += tree.NodeCount(level);
            }
            var perHash = inLanes ? lanes : scalar;
            var limitSeconds = (2.0 * accounts * perHash[2] + accounts * perHash[assets + 1] + nodeHashes * perHash[2 * assets + 2]) / 1e6 / cores;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {run} | {(inLanes ? "in lanes" : "one by one")} | {seconds:F2} | {accounts / seconds:N0} | {limitSeconds:F2} s | {seconds / limitSeconds:F2}x | {peak / 1048576.0:N0} MiB |"));
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lanes / one by one, best of each: {times[true].Min() / times[false].Min():P0}; mean of each: {times[true].Average() / times[false].Average():P0}"));
        Console.WriteLine(roots.Count == 1 ? $"root (the same in every run): {roots.Single()}" : "ROOTS DIFFER between runs");
    }

    // Median of five timed batches of four chained calls at once (each output feeds its next input), single thread.
    private static double MicrosecondsPerHash(int inputs, bool inLanes)
    {
        var state = Enumerable.Range(1, 4 * inputs).Select(i => Fr.FromUInt64((ulong)i)).ToArray();
        var outputs = new Fr[4];
        void Step()
        {
            PoseidonHash.HashMany(state, inputs, outputs, inLanes);
            for (var lane = 0; lane < 4; lane++)
            {
                state[lane * inputs] = outputs[lane];
            }
        }
        for (var i = 0; i < 500; i++)
        {
            Step();
        }
        var samples = new double[5];
        for (var batch = 0; batch < samples.Length; batch++)
        {
            const int calls = 1000;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                Step();
            }
            samples[batch] = watch.Elapsed.TotalMicroseconds / calls / 4;
        }
        Array.Sort(samples);
        return samples[2];
    }

    private static Dictionary<int, double> CircomlibjsMicroseconds(IEnumerable<int> widths)
    {
        var script = Path.Combine(RepositoryPaths.Root, "bench", "poseidon-circomlibjs.mjs");
        var start = new ProcessStartInfo("node", [script, .. widths.Select(w => w.ToString(CultureInfo.InvariantCulture))])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start node");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} failed; run `npm ci` in circuits/ first");
        }
        return JsonSerializer.Deserialize<Dictionary<string, double>>(output)!
            .ToDictionary(p => int.Parse(p.Key, CultureInfo.InvariantCulture), p => p.Value);
    }
}
