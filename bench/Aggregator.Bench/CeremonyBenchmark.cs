using System.Diagnostics;
using Aggregator.Prover.Ceremony;
using Aggregator.Proving.Ceremony;
using Nethereum.Signer;

namespace Aggregator.Bench;

/// <summary>
/// The phase-2 ceremony of each circuit, timed step by step through the same code as `aggregator ceremony`
/// (snarkjs 0.7.6 under Node): zkey new from a 2^15 phase 1, three contributions, the beacon with the
/// exports, and a full verify. The phase 1 is a local one (the pinned Hermez file is not reachable here):
/// same size, so the same work. One run per step: each is seconds to minutes, and its spread is small
/// beside that.
/// </summary>
internal static class CeremonyBenchmark
{
    public static async Task Run()
    {
        var root = Testing.RepositoryPaths.Root;
        var circuits = Path.Combine(root, "circuits");
        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-ceremony-").FullName;
        Console.WriteLine("# Key ceremony (issue 23)");
        Console.WriteLine($"machine: {Machine.Describe()}");
        try
        {
            var snarkjs = new SnarkjsCli(circuits);
            var ptau = Path.Combine(circuits, "build", "pot15_final.ptau");
            if (!File.Exists(ptau))
            {
                // setup.sh's local phase 1; made here once when absent.
                ptau = Path.Combine(workspace, "pot15_final.ptau");
                var made = Stopwatch.StartNew();
                await Step(snarkjs, ["powersoftau", "new", "bn128", "15", Path.Combine(workspace, "pot15_0.ptau")]);
                await Step(snarkjs, ["powersoftau", "contribute", Path.Combine(workspace, "pot15_0.ptau"), Path.Combine(workspace, "pot15_1.ptau"), "--name=bench", "-e=bench"]);
                await Step(snarkjs, ["powersoftau", "prepare", "phase2", Path.Combine(workspace, "pot15_1.ptau"), ptau]);
                Console.WriteLine($"local 2^15 phase 1 made in {made.Elapsed.TotalSeconds:F0} s (not part of a ceremony: production takes the pinned public file)");
            }
            using (var compile = Process.Start(new ProcessStartInfo("bash", [Path.Combine(circuits, "scripts", "compile.sh"), workspace]))!)
            {
                await compile.WaitForExitAsync();
            }
            Console.WriteLine();
            Console.WriteLine("| circuit | constraints | zkey new | contribution (each of 3) | beacon + exports | verify (snarkjs zkey verify + transcript + exports) | final zkey |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (circuit, constraints) in new[] { ("solvency_4", "1,784"), ("inclusion_20_4", "20,414") })
            {
                var ceremony = new KeyCeremony(snarkjs);
                var directory = Path.Combine(workspace, circuit);
                var expected = KeyCeremony.ExpectedR1csSha256(circuits, circuit);
                var clock = Stopwatch.StartNew();
                await ceremony.InitAsync(directory, circuit, Path.Combine(workspace, $"{circuit}.r1cs"), ptau, expected);
                var init = clock.Elapsed;
                var contributions = new List<TimeSpan>();
                foreach (var name in new[] { "Custodian", "Auditor", "Stranger" })
                {
                    clock.Restart();
                    await ceremony.ContributeAsync(directory, name, EthECKey.GenerateKey());
                    contributions.Add(clock.Elapsed);
                }
                clock.Restart();
                var done = await ceremony.FinalizeAsync(directory, "00000000000000000002f1c5e3b5ad7a8c5e2b1f6f0d3e4c5b6a798877665544", "bench beacon");
                var finalize = clock.Elapsed;
                clock.Restart();
                var report = await ceremony.VerifyAsync(directory, ptau, expected, null, Phase1.Files);
                var verify = clock.Elapsed;
                if (report.Failures.Count > 0)
                {
                    throw new InvalidOperationException($"the bench ceremony does not verify: {string.Join("; ", report.Failures)}");
                }
                Console.WriteLine($"| {circuit} | {constraints} | {init.TotalSeconds:F1} s | {string.Join(" / ", contributions.Select(c => $"{c.TotalSeconds:F1}"))} s | {finalize.TotalSeconds:F1} s | {verify.TotalSeconds:F1} s | {new FileInfo(Path.Combine(directory, done.Keys!.Zkey)).Length / 1e6:F1} MB |");
            }
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private static async Task Step(SnarkjsCli snarkjs, string[] arguments)
    {
        var result = await snarkjs.RunAsync(arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"snarkjs {string.Join(' ', arguments.Take(2))} failed: {result.Output}");
        }
    }
}
