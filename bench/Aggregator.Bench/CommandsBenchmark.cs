using System.Diagnostics;
using System.Globalization;
using Aggregator.Commitment;
using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.Bench;

/// <summary>
/// One-shot commands as a person or a script runs them, each a fresh process, alternating run by run:
/// `aggregator prove inclusion` and the Native AOT `aggregator-prove inclusion` against snarkjs's
/// `groth16 fullprove`, and `aggregator verify inclusion` and the Native AOT `aggregator-verify inclusion`
/// against snarkjs's `groth16 verify`.
/// </summary>
internal static class CommandsBenchmark
{
    public static async Task Run(string verifyExecutable, string proveExecutable, string? cli, int runs)
    {
        var root = RepositoryPaths.Root;
        var keys = Path.Combine(root, "circuits", "keys");
        var snarkjs = Path.Combine(root, "circuits", "node_modules", "snarkjs", "build", "cli.cjs");
        cli ??= Path.Combine(root, "src", "Aggregator.Cli", "bin", "Release", "net10.0", "aggregator");
        Console.WriteLine("# One-shot commands: inclusion(20, 4), fresh processes, alternating");
        Console.WriteLine($"machine: {Machine.Describe()}");
        Console.WriteLine($"aggregator: {cli}; aggregator-prove: {proveExecutable}; aggregator-verify: {verifyExecutable}");
        Console.WriteLine();
        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-commands-").FullName;
        try
        {
            var tree = MerkleSumTree.Build(SyntheticBook.Parameters, SyntheticBook.Rows(1000, seed: 3), EpochSecret.Generate());
            var epoch = Path.Combine(workspace, "epoch");
            var manifest = EpochDirectory.Write(epoch, tree, EpochSecret.Generate(), 1, PublisherAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), DateTimeOffset.UtcNow);
            var manifestPath = Path.Combine(epoch, EpochDirectory.ManifestFile);
            const string Account = "account-7";
            var inclusion = Path.Combine(workspace, "inclusion.json");
            using (var prover = new NativeProver(ProvingKeys.At(keys, "bench"), VerificationKeys.At(keys)))
            {
                await new EpochProofs(prover).ProveInclusionAsync(epoch, Account, inclusion);
            }
            var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(inclusion))!;
            var (proof, signals, input) = (Path.Combine(workspace, "proof.json"), Path.Combine(workspace, "public.json"), Path.Combine(workspace, "input.json"));
            File.WriteAllText(proof, document["proof"]!.ToJsonString());
            File.WriteAllText(signals, document["publicSignals"]!.ToJsonString());
            File.WriteAllText(input, CircuitInputs.Inclusion(tree, tree.FindLeaf(Account)!.Value, manifest.Binding()).ToJsonString());

            (string Name, string Program, string[] Args)[] commands =
            [
                ("`aggregator prove inclusion`", cli, ["prove", "inclusion", "--epoch", epoch, "--account", Account, "--out", Path.Combine(workspace, "proved.json")]),
                ("`aggregator-prove inclusion` (Native AOT)", proveExecutable, ["inclusion", "--epoch", epoch, "--account", Account, "--out", Path.Combine(workspace, "proved.json")]),
                ("`snarkjs groth16 fullprove` (witness and proof)", "node", [snarkjs, "groth16", "fullprove", input, Path.Combine(keys, "inclusion_20_4.wasm"), Path.Combine(keys, "inclusion_20_4.zkey"), Path.Combine(workspace, "p.json"), Path.Combine(workspace, "s.json")]),
                ("`aggregator verify inclusion`", cli, ["verify", "inclusion", "--proof", inclusion, "--manifest", manifestPath]),
                ("`aggregator-verify inclusion` (Native AOT)", verifyExecutable, ["inclusion", "--proof", inclusion, "--manifest", manifestPath]),
                ("`snarkjs groth16 verify`", "node", [snarkjs, "groth16", "verify", Path.Combine(keys, "inclusion_20_4.vkey.json"), signals, proof]),
            ];
            var times = commands.Select(_ => new List<double>()).ToArray();
            for (var run = 0; run < runs; run++)
            {
                for (var c = 0; c < commands.Length; c++)
                {
                    File.Delete(Path.Combine(workspace, "proved.json"));
                    times[c].Add(Seconds(commands[c].Program, commands[c].Args));
                }
            }
            Console.WriteLine($"| command, {runs} runs each | median | min | max |");
            Console.WriteLine("|---|---:|---:|---:|");
            for (var c = 0; c < commands.Length; c++)
            {
                var sorted = times[c].Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {commands[c].Name} | {sorted[runs / 2] * 1000:F0} ms | {sorted[0] * 1000:F0} ms | {sorted[^1] * 1000:F0} ms |"));
            }
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private static double Seconds(string program, string[] args)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var elapsed = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {output.Result}{error}");
        }
        return elapsed;
    }
}
