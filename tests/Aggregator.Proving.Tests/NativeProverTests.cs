using System.Text.Json.Nodes;
using Aggregator.Commitment;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Field;
using Aggregator.Crypto.Groth16;
using Aggregator.Crypto.Prover;
using Aggregator.Crypto.Prover.Lanes;
using Aggregator.Crypto.Prover.Msm;
using Aggregator.Proving;
using Aggregator.Testing;

namespace Aggregator.Proving.Tests;

/// <summary>
/// The native prover held to snarkjs: the same witnesses element for element, proofs snarkjs accepts,
/// and clear refusals of bad inputs and foreign keys. One prover (keys loaded once) for the class.
/// </summary>
public sealed class NativeProverTests : IClassFixture<NativeProverTests.Prover>
{
    public sealed class Prover : IDisposable
    {
        public string Keys { get; } = RepositoryPaths.Combine("circuits", "keys");

        public string Cache { get; } = Directory.CreateTempSubdirectory("aggregator-wasm-cache-").FullName;

        public NativeProver Native { get; }

        public MerkleSumTree Tree { get; }

        public EpochCommitment Binding { get; }

        public Prover()
        {
            Native = new NativeProver(ProvingKeys.At(Keys, "test"), VerificationKeys.At(Keys), Cache);
            var parameters = new CommitmentParameters(20, [new(new AssetId("BTC"), 8), new(new AssetId("ETH"), 8), new(new AssetId("SOL"), 6), new(new AssetId("USDC"), 6)]);
            var random = new Random(17);
            var rows = Enumerable.Range(0, 300).Select(i => new LiabilityRow($"account-{i}", Enumerable.Range(0, 4).Select(k => k == 3 && i % 3 == 0 ? 0UL : (ulong)random.NextInt64(1L << 50)).ToArray())).ToArray();
            Tree = MerkleSumTree.Build(parameters, rows, EpochSecret.Generate());
            Binding = EpochCommitment.Of(Tree, 1_700_000_000, PublisherAddress.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"));
        }

        public JsonObject Inclusion(int leaf) => CircuitInputs.Inclusion(Tree, leaf, Binding);

        // Reserves of ratio / 10000 of the liabilities (rounded up) and more: the ratio holds.
        public JsonObject Solvency(ulong extra, uint ratio = 10_000) =>
            CircuitInputs.Solvency(Tree, Enumerable.Range(0, Tree.AssetCount).Select(k => (ulong)(((System.Numerics.BigInteger)Tree.RootSums[k] * ratio + 9_999) / 10_000) + extra * (ulong)(k + 1)).ToArray(),
                Enumerable.Repeat(ratio, Tree.AssetCount).ToArray(), Binding);

        public void Dispose()
        {
            Native.Dispose();
            Directory.Delete(Cache, recursive: true);
        }
    }

    private readonly Prover _prover;

    public NativeProverTests(Prover prover) => _prover = prover;

    private string Wasm(string circuit) => Path.Combine(_prover.Keys, circuit + ".wasm");

    private static string VerificationKey(string circuit) => File.ReadAllText(RepositoryPaths.Combine("circuits", "keys", circuit + ".vkey.json"));

    private WitnessCalculator Wasmtime(string circuit) => WitnessCalculator.Load(circuit, Wasm(circuit), _prover.Cache);

    [Fact]
    public void Witnesses_equal_snarkjs_wtns_calculate_element_for_element()
    {
        var cases = new (string Circuit, JsonObject[] Inputs)[]
        {
            ("inclusion_20_4", [.. new[] { 0, 1, 77, 150, 298, 299 }.Select(_prover.Inclusion)]),
            ("solvency_4", [_prover.Solvency(0), _prover.Solvency(1), _prover.Solvency(1UL << 40), _prover.Solvency(12345)]),
        };
        foreach (var (circuit, inputs) in cases)
        {
            var expected = SnarkjsScripts.Run("witness-batch.mjs", new JsonArray([.. inputs.Select(i => i.DeepClone())]), Wasm(circuit)).AsArray();
            var native = _prover.Native.Circuit(circuit).Calculator;
            Assert.StartsWith("native templates", native.Description);
            using var wasmtime = Wasmtime(circuit);
            for (var i = 0; i < inputs.Length; i++)
            {
                var snarkjs = expected[i]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
                Assert.Equal(snarkjs, native.Calculate(inputs[i]).Select(v => v.ToString()).ToArray());
                Assert.Equal(snarkjs, wasmtime.Calculate(inputs[i]).Select(v => v.ToString()).ToArray());
            }
        }
    }

    [Fact]
    public void The_native_witness_equals_Wasmtimes_for_many_inputs_and_edge_values()
    {
        // Balances at 0 and at the top of the range (2^64 − 1), so every bit of the range checks is set somewhere.
        var parameters = new CommitmentParameters(20, [new(new AssetId("BTC"), 8), new(new AssetId("ETH"), 8), new(new AssetId("SOL"), 6), new(new AssetId("USDC"), 6)]);
        var edge = MerkleSumTree.Build(parameters,
            [new LiabilityRow("max", [ulong.MaxValue, 0, 0, 1]), new LiabilityRow("zero", [0, 0, 0, 0]), new LiabilityRow("some", [0, ulong.MaxValue, 5, 0])],
            EpochSecret.Generate());
        var edgeBinding = EpochCommitment.Of(edge, 1, PublisherAddress.Parse("0x0000000000000000000000000000000000000001"));
        var random = new Random(3);
        (string Circuit, JsonObject Input)[] cases =
        [
            .. Enumerable.Range(0, 25).Select(_ => ("inclusion_20_4", _prover.Inclusion(random.Next(300)))),
            .. Enumerable.Range(0, 3).Select(leaf => ("inclusion_20_4", CircuitInputs.Inclusion(edge, leaf, edgeBinding))),
            .. Enumerable.Range(0, 25).Select(_ => ("solvency_4", _prover.Solvency((ulong)random.NextInt64(1L << 50), (uint)random.Next(10_000, 40_000)))),
            ("solvency_4", CircuitInputs.Solvency(edge, [.. edge.RootSums], [10_000, 10_000, 10_000, 10_000], edgeBinding)), // reserves exactly the liabilities
            ("solvency_4", _prover.Solvency(0, 20_000)), // reserves exactly twice the liabilities
        ];
        using var inclusion = Wasmtime("inclusion_20_4");
        using var solvency = Wasmtime("solvency_4");
        foreach (var (circuit, input) in cases)
        {
            var wasmtime = circuit == "solvency_4" ? solvency : inclusion;
            Assert.Equal(wasmtime.Calculate(input), _prover.Native.Circuit(circuit).Calculator.Calculate(input));
        }
    }

    [Fact]
    public void Inputs_that_violate_a_constraint_are_refused_naming_the_circuit_as_snarkjs_refuses_them()
    {
        var cases = new List<(string Circuit, JsonObject Input, string Check)>();
        // Reserves below the liabilities of the first asset: ls + rs <= reserves fails.
        var short_ = _prover.Solvency(0);
        short_["reserves"]![0] = (_prover.Tree.RootSums[0] - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        cases.Add(("solvency_4", short_, "main.covered[0].out === 1"));
        // Reserves one unit short of 120% of the liabilities, with a ratio of 12000: 10000 · R >= ratio · L fails.
        var belowRatio = _prover.Solvency(0, 12_000);
        belowRatio["reserves"]![1] = (((System.Numerics.BigInteger)_prover.Tree.RootSums[1] * 12_000 / 10_000) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        cases.Add(("solvency_4", belowRatio, "main.covered[1].out === 1"));
        // A ratio under full coverage (it would prove reserves below the liabilities).
        var underFull = _prover.Solvency(1);
        underFull["ratios"]![3] = "9999";
        cases.Add(("solvency_4", underFull, "main.atLeastFull[3].out === 1"));
        // A ratio beyond 32 bits.
        var wideRatio = _prover.Solvency(1);
        wideRatio["ratios"]![0] = "4294967296";
        cases.Add(("solvency_4", wideRatio, "main.ranges[3][0].n2b"));
        // Reserves beyond 64 bits.
        var huge = _prover.Solvency(0);
        huge["reserves"]![2] = "18446744073709551616";
        cases.Add(("solvency_4", huge, "main.ranges[2][2].n2b"));
        // Another commitment than the tree's.
        var other = _prover.Solvency(0);
        other["commitment"] = "5";
        cases.Add(("solvency_4", other, "main.bound.commitment === main.commitment"));
        // A leaf that is not in the tree under that root.
        var forged = _prover.Inclusion(5);
        forged["balances"]![0] = "1";
        cases.Add(("inclusion_20_4", forged, "main.leaf.out === main.leafHash"));
        // A side that is neither left nor right.
        var side = _prover.Inclusion(6);
        side["siblingIsLeft"]![4] = "2";
        cases.Add(("inclusion_20_4", side, "main.path.siblingIsLeft[4] * (1 - main.path.siblingIsLeft[4]) === 0"));
        // A negative sibling sum (r − 1): it wraps the field, which the range check refuses.
        var negative = _prover.Inclusion(7);
        negative["siblingSums"]![3]![1] = "-1";
        cases.Add(("inclusion_20_4", negative, "main.path.siblingRange[3][1].n2b"));
        foreach (var (circuit, input, check) in cases)
        {
            var error = Assert.Throws<InputException>(() => _prover.Native.Prove(circuit, input));
            Assert.Contains($"circuit {circuit}: the inputs violate a constraint", error.Message);
            Assert.Contains(check, error.Message);
            using var wasmtime = Wasmtime(circuit);
            Assert.Contains("the inputs violate a constraint", Assert.Throws<InputException>(() => wasmtime.Calculate(input)).Message);
        }
        foreach (var circuit in new[] { "solvency_4", "inclusion_20_4" })
        {
            var refused = SnarkjsScripts.Run("witness-batch.mjs", new JsonArray([.. cases.Where(c => c.Circuit == circuit).Select(c => c.Input.DeepClone())]), Wasm(circuit)).AsArray();
            Assert.All(refused, r => Assert.NotNull(r!["error"]));
        }
        // The calculator is still usable after a failed run.
        Assert.True(_prover.Native.Prove("solvency_4", _prover.Solvency(3)).PublicSignals.Count == 12);
    }

    [Fact]
    public void Malformed_inputs_are_refused_naming_the_signal()
    {
        var cases = new (Action<JsonObject> Change, string Message)[]
        {
            (i => i["nope"] = "1", "'nope' is not an input signal"),
            (i => i["reserves"]!.AsArray().RemoveAt(0), "'reserves' takes 4 values, not 3"),
            (i => i["reserves"]![1] = "12x", "'reserves' holds \"12x\", which is not an integer"),
            (i => i.Remove("epoch"), "input values are set"),
        };
        foreach (var (change, message) in cases)
        {
            var input = _prover.Solvency(1);
            change(input);
            var error = Assert.Throws<InputException>(() => _prover.Native.Circuit("solvency_4").Calculator.Calculate(input));
            Assert.Contains(message, error.Message);
            Assert.Contains("solvency_4", error.Message);
        }
    }

    [Fact]
    public async Task Native_proofs_verify_with_snarkjs_and_the_native_verifier_and_two_proofs_differ()
    {
        var proofs = new List<(string Circuit, SnarkjsProof Proof)>();
        foreach (var circuit in new[] { "inclusion_20_4", "solvency_4", "collateral_20_4" })
        {
            var input = circuit switch
            {
                "solvency_4" => _prover.Solvency(9),
                "collateral_20_4" => CircuitInputs.Collateral(_prover.Tree, 42, _prover.Binding, [1, 2, 3, 4], [10_000, 9_000, 8_000, 0], 0, Fr.FromUInt64(7), Fr.FromUInt64(8)),
                _ => _prover.Inclusion(42),
            };
            var first = await _prover.Native.ProveAsync(circuit, input);
            var second = await _prover.Native.ProveAsync(circuit, input);
            Assert.Equal(first.PublicSignals, second.PublicSignals);
            Assert.NotEqual(first.Proof["pi_a"]!.ToJsonString(), second.Proof["pi_a"]!.ToJsonString());
            Assert.NotEqual(first.Proof["pi_c"]!.ToJsonString(), second.Proof["pi_c"]!.ToJsonString());
            proofs.Add((circuit, first));
            proofs.Add((circuit, second));
        }
        foreach (var (circuit, proof) in proofs)
        {
            Assert.True(SnarkjsJson.Verify(new Groth16Verifier(SnarkjsJson.ReadVerifyingKey(VerificationKey(circuit))), proof.Proof.ToJsonString(), proof.PublicSignals).IsValid);
        }
        var verdicts = SnarkjsScripts.Run("verify-batch.mjs", new JsonArray([.. proofs.Select(p => Case(p.Circuit, p.Proof))])).AsArray();
        Assert.All(verdicts, v => Assert.True(v!.GetValue<bool>()));
    }

    // The prover's typed proof as snarkjs writes it, with the witness's public signals.
    private static SnarkjsProof Snarkjs(Groth16Proof proof, Fr[] witness, int publicCount) =>
        new(SnarkjsJson.Write(proof), [.. witness.AsSpan(1, publicCount).ToArray().Select(s => s.ToString())]);

    private static JsonObject Case(string circuit, SnarkjsProof proof) => new()
    {
        ["vkey"] = JsonNode.Parse(VerificationKey(circuit)),
        ["proof"] = proof.Proof.DeepClone(),
        ["publicSignals"] = new JsonArray([.. proof.PublicSignals.Select(s => JsonValue.Create(s))]),
    };

    [Fact]
    public void A_witness_changed_after_the_fact_gives_a_proof_that_fails()
    {
        var parts = _prover.Native.Circuit("inclusion_20_4");
        var witness = parts.Calculator.Calculate(_prover.Inclusion(7));
        var verifier = new Groth16Verifier(SnarkjsJson.ReadVerifyingKey(VerificationKey("inclusion_20_4")), parallel: true);
        var publicCount = parts.Prover.Key.PublicCount;
        var honest = Snarkjs(parts.Prover.Prove(witness), witness, publicCount);
        Assert.True(SnarkjsJson.Verify(verifier, honest.Proof.ToJsonString(), honest.PublicSignals).IsValid);
        var cases = new List<JsonObject>();
        foreach (var index in new[] { 1, 3, 100, witness.Length - 1 }) // a public signal, private values
        {
            var changed = witness.ToArray();
            changed[index] += Fr.One;
            var proof = Snarkjs(parts.Prover.Prove(changed), changed, publicCount);
            Assert.False(SnarkjsJson.Verify(verifier, proof.Proof.ToJsonString(), proof.PublicSignals).IsValid);
            // Claimed against the honest public signals, it fails too.
            Assert.False(SnarkjsJson.Verify(verifier, proof.Proof.ToJsonString(), honest.PublicSignals).IsValid);
            cases.Add(Case("inclusion_20_4", proof));
        }
        Assert.All(SnarkjsScripts.Run("verify-batch.mjs", new JsonArray([.. cases])).AsArray(), v => Assert.False(v!.GetValue<bool>()));
    }

    [Fact]
    public void An_injected_generator_makes_the_proof_reproducible_and_the_csprng_does_not()
    {
        var parts = _prover.Native.Circuit("solvency_4");
        var witness = parts.Calculator.Calculate(_prover.Solvency(2));
        var fixedScalar = Fr.FromUInt64(123456789);
        var first = parts.Prover.Prove(witness, () => fixedScalar);
        var second = parts.Prover.Prove(witness, () => fixedScalar);
        Assert.Equal(first.Encode(), second.Encode());
        Assert.NotEqual(first.Encode(), parts.Prover.Prove(witness).Encode());
    }

    [Fact]
    public void Window_multiples_give_the_very_proof_of_the_plain_sums_and_it_verifies_with_snarkjs()
    {
        var parts = _prover.Native.Circuit("solvency_4");
        var witness = parts.Calculator.Calculate(_prover.Solvency(4));
        var withMultiples = new Groth16Prover(parts.Prover.Key);
        Assert.Equal(0, withMultiples.PrecomputedBytes);
        withMultiples.PrecomputeBases();
        Assert.True(withMultiples.PrecomputedBytes > 0);
        var fixedScalar = Fr.FromUInt64(987654321);
        var proof = withMultiples.Prove(witness, () => fixedScalar);
        Assert.Equal(parts.Prover.Prove(witness, () => fixedScalar).Encode(), proof.Encode());
        var fresh = withMultiples.Prove(witness);
        var publicCount = parts.Prover.Key.PublicCount;
        Assert.True(new Groth16Verifier(SnarkjsJson.ReadVerifyingKey(VerificationKey("solvency_4"))).Verify(fresh, witness.AsSpan(1, publicCount)).IsValid);
        Assert.All(SnarkjsScripts.Run("verify-batch.mjs", new JsonArray(Case("solvency_4", Snarkjs(proof, witness, publicCount)), Case("solvency_4", Snarkjs(fresh, witness, publicCount)))).AsArray(), v => Assert.True(v!.GetValue<bool>()));
    }

    private string KeysWith(string circuit, Action<string> change)
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-keys-").FullName;
        foreach (var file in Directory.GetFiles(_prover.Keys))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }
        change(Path.Combine(directory, circuit));
        return directory;
    }

    [Fact]
    public void A_proving_key_of_another_circuit_or_a_truncated_one_is_refused()
    {
        var swapped = KeysWith("inclusion_20_4", path => File.Copy(Path.Combine(_prover.Keys, "solvency_4.zkey"), path + ".zkey", overwrite: true));
        var truncated = KeysWith("solvency_4", path => File.WriteAllBytes(path + ".zkey", File.ReadAllBytes(path + ".zkey")[..100_000]));
        var empty = KeysWith("solvency_4", path => File.WriteAllBytes(path + ".zkey", []));
        var noWitness = KeysWith("solvency_4", path => { File.Delete(path + ".wasm"); File.Delete(path + ".sym"); });
        var foreignWasm = KeysWith("solvency_4", path => { File.Delete(path + ".sym"); File.Copy(Path.Combine(_prover.Keys, "inclusion_20_4.wasm"), path + ".wasm", overwrite: true); });
        try
        {
            using var swappedProver = new NativeProver(ProvingKeys.At(swapped, "test"), VerificationKeys.At(_prover.Keys), null);
            var error = Assert.Throws<InputException>(() => swappedProver.Load("inclusion_20_4"));
            Assert.Contains("not from the same circuit", error.Message);
            Assert.Contains("inclusion_20_4.zkey", error.Message);

            using var truncatedProver = new NativeProver(ProvingKeys.At(truncated, "test"), VerificationKeys.At(_prover.Keys), null);
            error = Assert.Throws<InputException>(() => truncatedProver.Load("solvency_4"));
            Assert.Contains("truncated", error.Message);

            // Nothing to map: refused by name, as a key that is not a .zkey.
            using var emptyProver = new NativeProver(ProvingKeys.At(empty, "test"), VerificationKeys.At(_prover.Keys), null);
            error = Assert.Throws<InputException>(() => emptyProver.Load("solvency_4"));
            Assert.Contains("not a .zkey file", error.Message);
            Assert.Contains("solvency_4.zkey", error.Message);

            using var noWitnessProver = new NativeProver(ProvingKeys.At(noWitness, "test"), VerificationKeys.At(_prover.Keys), null);
            Assert.Contains("witness calculator of solvency_4 is missing", Assert.Throws<ProverUnavailableException>(() => noWitnessProver.Load("solvency_4")).Message);

            using var foreignWasmProver = new NativeProver(ProvingKeys.At(foreignWasm, "test"), VerificationKeys.At(_prover.Keys), null);
            Assert.Contains("different circuits", Assert.Throws<InputException>(() => foreignWasmProver.Load("solvency_4")).Message);
        }
        finally
        {
            foreach (var directory in new[] { swapped, truncated, empty, noWitness, foreignWasm })
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void The_native_witness_needs_no_wasm_and_a_symbol_file_that_does_not_match_falls_back_to_Wasmtime_saying_why()
    {
        var noWasm = KeysWith("solvency_4", path => File.Delete(path + ".wasm"));
        // inclusion's symbols under solvency's name: the templates emit names it does not list.
        var foreign = KeysWith("solvency_4", path => File.Copy(Path.Combine(_prover.Keys, "inclusion_20_4.sym"), path + ".sym", overwrite: true));
        // One signal marked dropped (witness −1): its witness value would be left unset.
        var incomplete = KeysWith("solvency_4", path => File.WriteAllLines(path + ".sym", File.ReadAllLines(path + ".sym").Select(l =>
            l.EndsWith(",main.leftSums[2]", StringComparison.Ordinal) ? string.Join(',', l.Split(',') is var f ? [f[0], "-1", f[2], f[3]] : f) : l)));
        var garbled = KeysWith("solvency_4", path => File.AppendAllText(path + ".sym", "not,a symbol line\n"));
        // A signal put on the constant 1, or far beyond the file: the witness would be laid out from the file's word.
        var onOne = KeysWith("solvency_4", path => File.AppendAllText(path + ".sym", "9999,0,1,main.extra\n"));
        var farOff = KeysWith("solvency_4", path => File.AppendAllText(path + ".sym", "9999,2000000000,1,main.extra\n"));
        // A name the templates emit listed twice, and a witness index given to two names: which line counts would be a guess.
        var nameTwice = KeysWith("solvency_4", path => File.AppendAllText(path + ".sym", File.ReadLines(path + ".sym").First(l => l.EndsWith(",main.leftSums[2]", StringComparison.Ordinal)).Split(',') is var f ? $"9999,-1,{f[2]},{f[3]}\n" : ""));
        var witnessTwice = KeysWith("solvency_4", path => File.AppendAllText(path + ".sym", "9999,1,1,main.extra\n"));
        // Written on Windows: the same lines, ended by CR LF.
        var crlf = KeysWith("solvency_4", path => File.WriteAllText(path + ".sym", string.Join("\r\n", File.ReadAllLines(path + ".sym")) + "\r\n"));
        try
        {
            var input = _prover.Solvency(8);
            using var noWasmProver = new NativeProver(ProvingKeys.At(noWasm, "test"), VerificationKeys.At(_prover.Keys), null);
            Assert.StartsWith("native templates", noWasmProver.WitnessSource("solvency_4"));
            Assert.Equal(_prover.Binding.Value.ToString(), noWasmProver.Prove("solvency_4", input).PublicSignals[0]);
            using var crlfProver = new NativeProver(ProvingKeys.At(crlf, "test"), VerificationKeys.At(_prover.Keys), null);
            Assert.StartsWith("native templates", crlfProver.WitnessSource("solvency_4"));
            Assert.Equal(_prover.Binding.Value.ToString(), crlfProver.Prove("solvency_4", input).PublicSignals[0]);
            foreach (var (keys, reason) in new[]
            {
                (foreign, "does not list"), (incomplete, "does not produce witness value"), (garbled, "is not a circom symbol line"), (onOne, "is not a circom symbol line"), (farOff, "not a circom symbol file"),
                (nameTwice, "is not a circom symbol line (signal,witness,component,name with each name and each witness index from 1 once): '9999,-1,"), (witnessTwice, "'9999,1,1,main.extra'"),
            })
            {
                using var prover = new NativeProver(ProvingKeys.At(keys, "test"), VerificationKeys.At(_prover.Keys), null);
                var source = prover.WitnessSource("solvency_4");
                Assert.Contains("through Wasmtime", source);
                Assert.Contains(reason, source);
                Assert.Equal(_prover.Binding.Value.ToString(), prover.Prove("solvency_4", input).PublicSignals[0]);
            }
        }
        finally
        {
            foreach (var directory in new[] { noWasm, foreign, incomplete, garbled, onOne, farOff, nameTwice, witnessTwice, crlf })
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public void Every_build_carries_the_keys_and_proves_from_them_without_a_checkout()
    {
        var installed = ProvingKeys.Installed();
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "keys"), installed.Directory);
        foreach (var circuit in new[] { "inclusion_20_4", "solvency_4", "collateral_20_4" })
        {
            foreach (var file in new[] { installed.SymbolsPath(circuit), installed.WasmPath(circuit), installed.ZkeyPath(circuit), Path.Combine(installed.Directory, circuit + ".vkey.json") })
            {
                Assert.True(File.Exists(file), file);
            }
        }
        using var prover = new NativeProver(installed, cacheDirectory: null);
        var proof = prover.Prove("solvency_4", _prover.Solvency(5));
        Assert.Equal(_prover.Binding.Value.ToString(), proof.PublicSignals[0]);
    }

    [Fact]
    public void The_witness_layout_is_cached_by_its_symbol_file_and_checked_before_it_is_used()
    {
        var cache = Directory.CreateTempSubdirectory("aggregator-layout-cache-").FullName;
        var keys = KeysWith("solvency_4", _ => { });
        try
        {
            var input = _prover.Solvency(8);
            string Source()
            {
                using var prover = new NativeProver(ProvingKeys.At(keys, "test"), VerificationKeys.At(_prover.Keys), cache);
                var source = prover.WitnessSource("solvency_4");
                Assert.Equal(_prover.Binding.Value.ToString(), prover.Prove("solvency_4", input).PublicSignals[0]);
                return source;
            }
            Assert.DoesNotContain("from the cache", Source());
            var file = Assert.Single(Directory.GetFiles(cache, "solvency_4-*.layout"));
            Assert.EndsWith("(its layout from the cache)", Source());

            // Damaged: matched again, and written again.
            var good = File.ReadAllBytes(file);
            File.WriteAllBytes(file, [.. good[..^1], (byte)(good[^1] ^ 1)]);
            Assert.DoesNotContain("from the cache", Source());
            Assert.Equal(good, File.ReadAllBytes(file));

            // Whole, but a slot past the witness it names: not used.
            byte[] hostile = [.. BitConverter.GetBytes(3), .. BitConverter.GetBytes(1), .. BitConverter.GetBytes(7)];
            File.WriteAllBytes(file, [.. System.Security.Cryptography.SHA256.HashData(hostile), .. hostile]);
            Assert.DoesNotContain("from the cache", Source());

            // Another symbol file (the same lines, ended by CR LF): a layout of its own.
            var symbols = Path.Combine(keys, "solvency_4.sym");
            File.WriteAllText(symbols, string.Join("\r\n", File.ReadAllLines(symbols)) + "\r\n");
            Assert.DoesNotContain("from the cache", Source());
            Assert.Equal(2, Directory.GetFiles(cache, "solvency_4-*.layout").Length);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public void The_compiled_witness_calculator_is_cached_on_disk_and_reused()
    {
        using var first = Wasmtime("solvency_4");
        Assert.NotEmpty(Directory.GetFiles(_prover.Cache, "solvency_4-*.cwasm"));
        using var second = Wasmtime("solvency_4");
        Assert.True(second.FromCache);
        var input = _prover.Solvency(4);
        Assert.Equal(first.Calculate(input), second.Calculate(input));

        // A cache others can write to is not read: what it holds becomes machine code in this process.
        var shared = Directory.CreateTempSubdirectory("aggregator-shared-cache-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(_prover.Cache, "solvency_4-*.cwasm"))
            {
                File.Copy(file, Path.Combine(shared, Path.GetFileName(file)));
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_111);
                using var careful = WitnessCalculator.Load("solvency_4", Wasm("solvency_4"), shared);
                Assert.False(careful.FromCache);
            }
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }

        // A damaged cache file is compiled again, not trusted.
        foreach (var file in Directory.GetFiles(_prover.Cache, "solvency_4-*.cwasm"))
        {
            File.WriteAllBytes(file, [1, 2, 3]);
        }
        using var third = Wasmtime("solvency_4");
        Assert.False(third.FromCache);
        Assert.Equal(first.Calculate(input), third.Calculate(input));
    }
}
