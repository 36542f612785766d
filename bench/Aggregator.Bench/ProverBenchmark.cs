using System.Diagnostics;
using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Crypto.Groth16;
using Aggregator.Crypto.Prover;
using Aggregator.Crypto.Prover.Lanes;
using Aggregator.Crypto.Prover.Msm;
using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.Bench;

/// <summary>
/// The native prover (issue 12) beside snarkjs in the same run: witness time (native templates, and
/// circom's calculator through Wasmtime beside it), proving time warm in process with where it goes
/// (QAP, FFT, each MSM), peak memory, for inclusion(20, 4) and solvency(4); then snarkjs's groth16
/// fullProve (a fresh Node process, as SnarkjsProver runs it) on the same inputs.
/// </summary>
internal static class ProverBenchmark
{
    public static async Task Run(int runs)
    {
        var circuits = RepositoryPaths.Combine("circuits");
        Console.WriteLine("# Native Groth16 prover: inclusion(20, 4), solvency(4) and collateral(20, 4)");
        Console.WriteLine($"machine: {Machine.Describe()}");
        var parameters = SyntheticBook.Parameters;
        var rows = SyntheticBook.Rows(1000, seed: 3);
        var tree = MerkleSumTree.Build(parameters, rows, EpochSecret.Generate());
        var binding = EpochCommitment.Of(tree, 1, PublisherAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"));
        var reserves = Enumerable.Range(0, tree.AssetCount).Select(k => tree.RootSums[k] + 1).ToArray();
        var inputs = new (string Circuit, Func<int, JsonObject> Input)[]
        {
            ("inclusion_20_4", i => CircuitInputs.Inclusion(tree, i % 1000, binding)),
            ("solvency_4", _ => CircuitInputs.Solvency(tree, reserves, [10_000, 10_000, 10_000, 10_000], binding)),
            ("collateral_20_4", i => CircuitInputs.Collateral(tree, i % 1000, binding, [6_000_000_000_000, 300_000_000_000, 15_000_000_000, 100_000_000],
                [9_000, 8_500, 7_500, 10_000], 0, Crypto.Field.Fr.FromUInt64(0xf39f), Crypto.Field.Fr.FromUInt64(31337))),
        };

        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-prover-").FullName;
        var epoch = Path.Combine(workspace, "epoch");
        EpochDirectory.Write(epoch, tree, EpochSecret.Generate(), 1, PublisherAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), DateTimeOffset.UtcNow);
        var reservesPath = Path.Combine(workspace, "reserves.json");
        File.WriteAllText(reservesPath, """{ "reserves": { "BTC": "100000000", "ETH": "100000000", "SOL": "1000000000", "USDC": "1000000000" } }""");
        var aggregatorDll = Path.Combine(RepositoryPaths.Root, "src", "Aggregator.Cli", "bin", "Release", "net10.0", "aggregator.dll");
        if (!File.Exists(aggregatorDll))
        {
            throw new InvalidOperationException($"build the CLI first: dotnet build -c Release src/Aggregator.Cli ({aggregatorDll} is missing)");
        }
        var load = Stopwatch.StartNew();
        using var prover = new NativeProver(ProvingKeys.At(Path.Combine(circuits, "keys"), "the repository's circuits/keys"), VerificationKeys.At(Path.Combine(circuits, "keys")));
        foreach (var (circuit, _) in inputs)
        {
            prover.Load(circuit);
        }
        Console.WriteLine($"keys loaded (zkey read, symbol file read and checked) in {load.Elapsed.TotalMilliseconds:F0} ms");
        foreach (var (circuit, input) in inputs)
        {
            var parts = prover.Circuit(circuit);
            Console.WriteLine();
            Console.WriteLine($"## {circuit}: {parts.Prover.Key.VariableCount} witness values, domain {parts.Prover.Key.DomainSize}");
            Console.WriteLine($"witness: {parts.WitnessSource}");
            using var wasmtime = WitnessCalculator.Load(circuit, Path.Combine(circuits, "keys", circuit + ".wasm"), NativeProver.DefaultCacheDirectory());
            for (var i = 0; i < 3; i++)
            {
                wasmtime.Calculate(input(i));
            }
            var wasmtimeMs = new List<double>();
            WarmUp(i => prover.Prove(circuit, input(i % 7)));
            var witnessMs = new List<double>();
            var proveMs = new List<double>();
            var profiles = new List<Groth16Prover.Profile>();
            var cpuMs = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var json = input(i + 7);
                var watch = Stopwatch.StartNew();
                var fromWasm = wasmtime.Calculate(json);
                wasmtimeMs.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                var witness = parts.Calculator.Calculate(json);
                witnessMs.Add(watch.Elapsed.TotalMilliseconds);
                if (!witness.AsSpan().SequenceEqual(fromWasm))
                {
                    throw new InvalidOperationException($"{circuit}: the native witness differs from Wasmtime's");
                }
                var self = Process.GetCurrentProcess();
                var cpuBefore = self.TotalProcessorTime;
                watch.Restart();
                parts.Prover.Prove(witness);
                proveMs.Add(watch.Elapsed.TotalMilliseconds);
                self.Refresh();
                cpuMs.Add((self.TotalProcessorTime - cpuBefore).TotalMilliseconds);
                // The same witness again, its steps one after another and timed.
                var profile = new Groth16Prover.Profile();
                parts.Prover.Prove(witness, profile: profile);
                profiles.Add(profile);
            }
            Console.WriteLine($"witness, median of {runs}: native {Median(witnessMs):F1} ms, Wasmtime {Median(wasmtimeMs):F1} ms (the same values)");
            Console.WriteLine($"Groth16 prove (C#), median of {runs}: {Median(proveMs):F1} ms ({Median(cpuMs):F0} ms of CPU time: {Median(cpuMs) / Median(proveMs):F2} cores busy)");
            var steps = profiles[0].Steps.Select((step, i) => $"{step.Step} {Median(profiles.Select(p => p.Steps[i].Time))}");
            Console.WriteLine($"  steps one after another, median of {profiles.Count} ms: {string.Join(" | ", steps)} | in all {Median(profiles.Select(p => p.Steps.Sum(s => s.Time.TotalMilliseconds))):F1}");
            Console.WriteLine($"witness + prove: {Median(witnessMs) + Median(proveMs):F1} ms");
            var sample = prover.Prove(circuit, input(7));
            var verifier = new Groth16Verifier(SnarkjsJson.ReadVerifyingKey(File.ReadAllText(Path.Combine(circuits, "keys", circuit + ".vkey.json"))), parallel: true);
            var verifyMs = new List<double>();
            // Fifty untimed first: the pairing's code is JIT-compiled in tiers.
            for (var i = 0; i < 50 + (10 * runs); i++)
            {
                var watch = Stopwatch.StartNew();
                if (!SnarkjsJson.Verify(verifier, sample.Proof.ToJsonString(), sample.PublicSignals).IsValid)
                {
                    throw new InvalidOperationException($"{circuit}: a proof does not verify");
                }
                if (i >= 50)
                {
                    verifyMs.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
            Console.WriteLine($"verify (native C#, BN254 pairing, two threads), median of {verifyMs.Count}: {Median(verifyMs):F2} ms ({sample.PublicSignals.Count} public signals)");

            // The long-running prover's option: the key's window multiples, built once; proofs alternate
            // with and without them on the same witnesses.
            var withMultiples = new Groth16Prover(parts.Prover.Key);
            var build = Stopwatch.StartNew();
            withMultiples.PrecomputeBases();
            var buildSeconds = build.Elapsed.TotalSeconds;
            var warmWitnesses = Enumerable.Range(0, 7).Select(i => parts.Calculator.Calculate(input(i))).ToArray();
            WarmUp(i => withMultiples.Prove(warmWitnesses[i % 7]));
            var plainMs = new List<double>();
            var multiplesMs = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var witness = parts.Calculator.Calculate(input(i + 7));
                var watch = Stopwatch.StartNew();
                parts.Prover.Prove(witness);
                plainMs.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                withMultiples.Prove(witness);
                multiplesMs.Add(watch.Elapsed.TotalMilliseconds);
            }
            var stepsWithMultiples = new Groth16Prover.Profile();
            withMultiples.Prove(parts.Calculator.Calculate(input(7)), profile: stepsWithMultiples);
            Console.WriteLine($"with the window multiples (built once in {buildSeconds:F1} s, {withMultiples.PrecomputedBytes >> 20} MiB), median of {runs}: {Median(multiplesMs):F1} ms, against {Median(plainMs):F1} ms without, alternating");
            Console.WriteLine($"  steps one after another, one run, ms: {string.Join(" | ", stepsWithMultiples.Steps.Select(step => $"{step.Step} {step.Time.TotalMilliseconds:F1}"))}");

            // As commands, each a fresh process: ours (Release build, keys installed with it) and snarkjs's CLI.
            var inputPath = Path.Combine(workspace, $"{circuit}-input.json");
            File.WriteAllText(inputPath, input(7).ToJsonString());
            var cli = circuit switch
            {
                "solvency_4" => new[] { aggregatorDll, "prove", "solvency", "--epoch", epoch, "--reserves", reservesPath },
                "inclusion_20_4" => [aggregatorDll, "prove", "inclusion", "--epoch", epoch, "--account", "account-7", "--out", Path.Combine(workspace, "account-7.json")],
                _ => [aggregatorDll, "attest", "collateral", "--epoch", epoch, "--account", "account-7", "--prices", "BTC=60000,ETH=3000", "--threshold", "0",
                    "--subject", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "--scope", "31337", "--out", Path.Combine(workspace, "attestation-7.json")],
            };
            var snarkjsCli = new[] { Path.Combine(circuits, "node_modules", "snarkjs", "build", "cli.cjs"), "groth16", "fullprove", inputPath,
                Path.Combine(circuits, "keys", circuit + ".wasm"), Path.Combine(circuits, "keys", circuit + ".zkey"), Path.Combine(workspace, "p.json"), Path.Combine(workspace, "s.json") };
            var theirs = ProofBenchmark.MedianSeconds(5, "node", snarkjsCli);
            if (cli is not null)
            {
                var ours = ProofBenchmark.MedianSeconds(5, "dotnet", cli);
                Console.WriteLine($"`aggregator prove` command (fresh process), median of 5: {ours * 1000:F0} ms, peak RSS {PeakMiB("dotnet", cli)} MiB");
                Console.WriteLine($"command over command: {theirs / ours:F1}x");
            }
            Console.WriteLine($"`snarkjs groth16 fullprove` command (fresh process), median of 5: {theirs * 1000:F0} ms, peak RSS {PeakMiB("node", snarkjsCli)} MiB");
            Console.WriteLine($"in process over the snarkjs command: {theirs * 1000 / (Median(witnessMs) + Median(proveMs)):F1}x");
        }
        Console.WriteLine();
        Console.WriteLine($"peak working set of this process (both circuits' keys loaded, warm): {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB");
        Directory.Delete(workspace, recursive: true);
    }

    /// <summary>The peak resident set of one run of a command, as GNU time reports it.</summary>
    private static long PeakMiB(string program, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/time", ["-f", "%M", program, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return long.Parse(error.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    // Proofs for three seconds, and at least three, before any is timed: the JIT's tiers (and its
    // profile-guided recompilations) settle only after some dozens of proofs of the smaller circuit.
    private static void WarmUp(Action<int> prove)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 3 || watch.Elapsed < TimeSpan.FromSeconds(3); i++)
        {
            prove(i);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Median(IEnumerable<TimeSpan> values) => Median(values.Select(v => v.TotalMilliseconds)).ToString("F1");
}
