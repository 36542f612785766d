using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Crypto.Groth16;
using Aggregator.Proving;
using Aggregator.Testing;
using Nethereum.Web3;

namespace Aggregator.Bench;

/// <summary>
/// Proofs end to end: an inclusion proof's wall time (witness and Groth16 proof through snarkjs), native
/// verification beside snarkjs's in the same run (the registry's gas: `bench gas`).
/// </summary>
internal static class ProofBenchmark
{
    public static async Task Run(int inclusionProofs, int verifications)
    {
        var root = RepositoryPaths.Root;
        var circuits = Path.Combine(root, "circuits");
        Console.WriteLine($"# Proofs: inclusion(20, 4) and solvency(4)");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine();
        using var keys = JsonDocument.Parse(File.ReadAllText(Path.Combine(circuits, "keys", "manifest.json")));
        var constraints = keys.RootElement.GetProperty("circuits").GetProperty("inclusion_20_4").GetProperty("constraints").GetInt32();

        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-proofs-").FullName;
        try
        {
            var parameters = SyntheticBook.Parameters;
            var rows = SyntheticBook.Rows(1000, seed: 3);
            var tree = MerkleSumTree.Build(parameters, rows, EpochSecret.Generate());
            var epoch = Path.Combine(workspace, "epoch");
            EpochDirectory.Write(epoch, tree, EpochSecret.Generate(), 1, PublisherAddress.Parse(Publisher), DateTimeOffset.UtcNow);
            var proofs = new EpochProofs(new SnarkjsProver(circuits));

            var times = new List<double>();
            string inclusionFile = "";
            for (var i = 0; i < inclusionProofs; i++)
            {
                inclusionFile = Path.Combine(workspace, $"inclusion-{i}.json");
                var watch = Stopwatch.StartNew();
                await proofs.ProveInclusionAsync(epoch, $"account-{i}", inclusionFile);
                times.Add(watch.Elapsed.TotalSeconds);
            }
            var reservesPath = Path.Combine(workspace, "reserves.json");
            File.WriteAllText(reservesPath, """{ "reserves": { "BTC": "100000000", "ETH": "100000000", "SOL": "1000000000", "USDC": "1000000000" } }""");
            var solvencyWatch = Stopwatch.StartNew();
            await proofs.ProveSolvencyAsync(epoch, reservesPath);
            var solvencySeconds = solvencyWatch.Elapsed.TotalSeconds;

            var vkey = Path.Combine(circuits, "keys", "inclusion_20_4.vkey.json");
            var document = JsonNode.Parse(File.ReadAllText(inclusionFile))!;
            var proofJson = document["proof"]!.ToJsonString();
            var signals = document["publicSignals"]!.AsArray().Select(s => s!.GetValue<string>()).ToArray();
            var verifier = new Groth16Verifier(SnarkjsJson.ReadVerifyingKey(File.ReadAllText(vkey)), parallel: true);
            // Both sides warm up for two seconds (the JIT's tiers settle; V8 optimizes), then every
            // verification is timed on its own: mean and median over the same count.
            var warmUp = Stopwatch.StartNew();
            while (warmUp.Elapsed < TimeSpan.FromSeconds(2))
            {
                SnarkjsJson.Verify(verifier, proofJson, signals);
            }
            var allValid = true;
            var nativeSamples = new double[verifications];
            for (var i = 0; i < verifications; i++)
            {
                var one = Stopwatch.StartNew();
                allValid &= SnarkjsJson.Verify(verifier, proofJson, signals).IsValid;
                nativeSamples[i] = one.Elapsed.TotalMilliseconds;
            }
            var nativeMs = nativeSamples.Average();
            var nativeMedian = Median(nativeSamples);
            // Throughput with as many callers as cores: the helper thread is then mostly busy, and a
            // caller that finds it so runs both halves itself.
            var callers = Environment.ProcessorCount;
            var concurrent = Stopwatch.StartNew();
            var concurrentInvalid = 0;
            Parallel.For(0, verifications, new ParallelOptions { MaxDegreeOfParallelism = callers }, _ =>
            {
                if (!SnarkjsJson.Verify(verifier, proofJson, signals).IsValid)
                {
                    Interlocked.Increment(ref concurrentInvalid);
                }
            });
            allValid &= concurrentInvalid == 0;
            var perSecond = verifications / concurrent.Elapsed.TotalSeconds;
            var snarkjs = RunNode(Path.Combine(root, "bench", "verify-snarkjs.mjs"), vkey, inclusionFile, verifications.ToString(CultureInfo.InvariantCulture));
            var snarkjsMs = snarkjs.GetProperty("msPerVerify").GetDouble();
            var snarkjsMedian = snarkjs.GetProperty("medianMs").GetDouble();

            // Command against command: each run is a fresh process, as a person or a script runs them.
            var proofOnly = Path.Combine(workspace, "proof.json");
            var publicOnly = Path.Combine(workspace, "public.json");
            File.WriteAllText(proofOnly, proofJson);
            File.WriteAllText(publicOnly, document["publicSignals"]!.ToJsonString());
            var snarkjsCli = MedianSeconds(5, "node", Path.Combine(circuits, "node_modules", "snarkjs", "build", "cli.cjs"), "groth16", "verify", vkey, publicOnly, proofOnly);
            var aggregatorDll = Path.Combine(root, "src", "Aggregator.Cli", "bin", "Release", "net10.0", "aggregator.dll");
            var ourCli = File.Exists(aggregatorDll)
                ? MedianSeconds(5, "dotnet", aggregatorDll, "verify", "inclusion", "--proof", inclusionFile, "--manifest", Path.Combine(epoch, EpochDirectory.ManifestFile))
                : double.NaN;

            times.Sort();
            Console.WriteLine("| figure | value |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine(Line($"| inclusion(20, 4) constraints (circom2 --O2) | {constraints:N0} |"));
            Console.WriteLine(Line($"| inclusion proof end to end (witness + Groth16 prove, snarkjs in a fresh Node process), median of {inclusionProofs} | {times[times.Count / 2]:F2} s (min {times[0]:F2} s) |"));
            Console.WriteLine(Line($"| solvency proof end to end | {solvencySeconds:F2} s |"));
            Console.WriteLine(Line($"| verify one inclusion proof: native C# (BN254 pairing, two threads), mean / median of {verifications} | {nativeMs:F2} / {nativeMedian:F2} ms |"));
            Console.WriteLine(Line($"| verify one inclusion proof: snarkjs groth16.verify, warm process, mean / median of {verifications} | {snarkjsMs:F2} / {snarkjsMedian:F2} ms |"));
            Console.WriteLine(Line($"| native speed-up over a warm snarkjs process, by mean / by median | {snarkjsMs / nativeMs:F1}x / {snarkjsMedian / nativeMedian:F1}x |"));
            Console.WriteLine(Line($"| native throughput, {callers} concurrent callers | {perSecond:F0} verifications/s ({callers * 1000 / perSecond:F2} ms per verification per caller) |"));
            Console.WriteLine(Line($"| `snarkjs groth16 verify` command (fresh process), median of 5 | {snarkjsCli * 1000:F0} ms |"));
            Console.WriteLine(Line($"| native verification over the `snarkjs groth16 verify` command | {snarkjsCli * 1000 / nativeMs:F0}x |"));
            Console.WriteLine(Line($"| `aggregator verify inclusion` command (fresh process, Release build), median of 5 | {ourCli * 1000:F0} ms |"));
            Console.WriteLine($"all native verifications valid: {allValid}; snarkjs valid: {snarkjs.GetProperty("valid").GetBoolean()}");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    // anvil's development account 0: it publishes the benchmark's epoch (bound into the commitment).
    private const string Publisher = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

    internal static double MedianSeconds(int runs, string program, params string[] args)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}");
            }
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[runs / 2];
    }

    private static JsonElement RunNode(string script, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("node", [script, .. args]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static double Median(double[] samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
