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

        int[] widths = [2, assets + 1, 2 * assets + 2];
        var ours = widths.Distinct().ToDictionary(w => w, MicrosecondsPerHash);
        var anchor = CircomlibjsMicroseconds(widths.Distinct());
        Console.WriteLine("| Poseidon inputs | C# µs/call | circomlibjs µs/call | speed-up |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (var width in ours.Keys)
        {
            var js = anchor.TryGetValue(width, out var value) ? value : double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {width} | {ours[width]:F2} | {js:F1} | {js / ours[width]:F1}x |"));
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
        GC.Collect();
        var before = Process.GetCurrentProcess().PeakWorkingSet64;

        var watch = Stopwatch.StartNew();
        var tree = MerkleSumTree.Build(parameters, rows, secret);
        var seconds = watch.Elapsed.TotalSeconds;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;

        long nodeHashes = 0;
        for (var level = 1; level <= depth; level++)
        {
            nodeHashes += tree.NodeCount(level);
        }
        var limitSeconds = (2.0 * accounts * ours[2] + accounts * ours[assets + 1] + nodeHashes * ours[2 * assets + 2]) / 1e6 / cores;
        Console.WriteLine("| figure | value |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| tree build time | {seconds:F2} s |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| accounts/s | {accounts / seconds:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Poseidon calls | {2L * accounts:N0} x 2 inputs + {accounts:N0} x {assets + 1} + {nodeHashes:N0} x {2 * assets + 2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| physical limit (calls x µs/call / {cores} cores) | {limitSeconds:F2} s |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| build time / limit | {seconds / limitSeconds:F2}x |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| peak working set (process, incl. {accounts:N0} input rows) | {peak / 1048576.0:N0} MiB (before build: {before / 1048576.0:N0} MiB) |"));
        Console.WriteLine($"root: {tree.RootHash}");
    }

    // Median of five timed batches of chained calls (each output feeds the next input), single thread.
    private static double MicrosecondsPerHash(int inputs)
    {
        var state = Enumerable.Range(1, inputs).Select(i => Fr.FromUInt64((ulong)i)).ToArray();
        for (var i = 0; i < 2000; i++)
        {
            state[0] = PoseidonHash.Hash(state);
        }
        var samples = new double[5];
        for (var batch = 0; batch < samples.Length; batch++)
        {
            const int calls = 4000;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                state[0] = PoseidonHash.Hash(state);
            }
            samples[batch] = watch.Elapsed.TotalMicroseconds / calls;
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
