using System.Diagnostics;
using System.Globalization;
using Aggregator.Api.Verifier;
using Aggregator.Commitment;
using Aggregator.Proving;
using Aggregator.Testing;
using Microsoft.Playwright;

namespace Aggregator.Bench;

/// <summary>
/// The verifier page's time in Debian's chromium (issue 22): an owner's whole check of an inclusion file
/// against a dropped manifest, from a freshly opened page (what an owner waits for) and again in the same
/// page, beside `aggregator verify inclusion`'s checks in C# and snarkjs's groth16.verify in Node, on the
/// same file in the same run.
/// </summary>
internal static class VerifierPageBenchmark
{
    public static async Task Run(int runs)
    {
        Console.WriteLine($"# verifier page: inclusion(20, 4), {runs} runs each");
        Console.WriteLine($"machine: {Machine.Describe()}");
        var workspace = Directory.CreateTempSubdirectory("aggregator-bench-page-").FullName;
        try
        {
            var parameters = SyntheticBook.Parameters;
            var rows = SyntheticBook.Rows(100, seed: 9);
            var tree = MerkleSumTree.Build(parameters, rows, EpochSecret.Generate());
            var epoch = Path.Combine(workspace, "epoch");
            EpochDirectory.Write(epoch, tree, EpochSecret.Generate(), 1_700_000_000, PublisherAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), DateTimeOffset.UtcNow);
            var keys = RepositoryPaths.Combine("circuits", "keys");
            using (var prover = new NativeProver(ProvingKeys.At(keys, "circuits/keys"), VerificationKeys.At(keys)))
            {
                await new EpochProofs(prover).ProveInclusionAsync(epoch, "account-7", Path.Combine(workspace, "inclusion.json"));
            }
            var proof = Path.Combine(workspace, "inclusion.json");
            var manifest = Path.Combine(epoch, EpochDirectory.ManifestFile);
            var page = Path.Combine(workspace, "verify.html");
            VerifierPage.Write(page);

            var executable = Environment.GetEnvironmentVariable("AGGREGATOR_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"] });
            var fresh = new List<double>();
            var again = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var tab = await browser.NewPageAsync();
                await tab.GotoAsync(new Uri(page).AbsoluteUri);
                await tab.SetInputFilesAsync("#proof-file", proof);
                await tab.SetInputFilesAsync("#manifest-file", manifest);
                await tab.WaitForFunctionAsync("() => document.getElementById('manifest-name').textContent.length > 0 && document.getElementById('proof-text').value.length > 0");
                foreach (var list in new[] { fresh, again })
                {
                    await tab.EvaluateAsync("() => { document.getElementById('verdict').dataset.state = 'idle'; }");
                    await tab.ClickAsync("#verify");
                    await tab.WaitForFunctionAsync("() => ['valid-unpublished','invalid','error'].includes(document.getElementById('verdict').dataset.state)", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
                    if (await tab.GetAttributeAsync("#verdict", "data-state") != "valid-unpublished")
                    {
                        throw new InvalidOperationException("the page did not find the file valid: " + await tab.TextContentAsync("#checks"));
                    }
                    list.Add(await tab.EvaluateAsync<double>("() => window.verifierResult.ms"));
                }
                await tab.CloseAsync();
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chromium, every check (leaf, parameters, commitment, Groth16), a freshly opened page: median {Median(fresh):F0} ms (min {fresh.Min():F0}, max {fresh.Max():F0})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chromium, the same again in that page (Poseidon and the curve ready):    median {Median(again):F0} ms (min {again.Min():F0}, max {again.Max():F0})"));

            var published = ProofChecks.Published.FromManifest(manifest);
            var verificationKeys = VerificationKeys.At(keys);
            ProofChecks.Inclusion(proof, published, verificationKeys); // loads the key
            var native = new List<double>();
            for (var i = 0; i < Math.Max(runs, 20); i++)
            {
                var start = Stopwatch.GetTimestamp();
                if (!ProofChecks.Inclusion(proof, published, verificationKeys).IsValid)
                {
                    throw new InvalidOperationException("the C# checks refused the file");
                }
                native.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"C#, aggregator verify inclusion's checks (file read, leaf, parameters, native Groth16), warm: median {Median(native):F1} ms"));
            var node = Process.Start(new ProcessStartInfo("node", [RepositoryPaths.Combine("bench", "verify-snarkjs.mjs"), Path.Combine(keys, "inclusion_20_4.vkey.json"), proof, "20"]) { RedirectStandardOutput = true })!;
            var answer = await node.StandardOutput.ReadToEndAsync();
            await node.WaitForExitAsync();
            Console.WriteLine($"snarkjs groth16.verify in Node (the Groth16 step alone, warm): {answer.Trim()}");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
