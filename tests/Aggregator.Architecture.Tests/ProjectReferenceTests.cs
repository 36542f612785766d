using System.Reflection;

namespace Aggregator.Architecture.Tests;

/// <summary>The reference rules of shared/DESIGN.md section 2 and docs/architecture.md, for every project, read from the built assemblies.</summary>
public class ProjectReferenceTests
{
    private static string[] AggregatorReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Aggregator.", StringComparison.Ordinal)).Order().ToArray();

    [Fact]
    public void Core_references_no_other_project()
    {
        Assert.Empty(AggregatorReferences(typeof(Core.Amounts.Amount).Assembly));
    }

    // What domain types may use: the runtime, collections, LINQ, big integers, text and JSON (for their
    // converters). Anything else (networking, processes, a package) is refused by name. The one file
    // helper (Files/SafeFile: how every file is written) needs nothing more than the runtime.
    private static readonly string[] CoreMayReference =
    [
        "System.Runtime", "System.Collections", "System.Linq", "System.Runtime.Numerics", "System.Memory",
        "System.Text.Json", "System.Text.Encodings.Web", "System.Runtime.Intrinsics",
    ];

    [Fact]
    public void Core_uses_no_network_no_process_and_no_package()
    {
        var references = typeof(Core.Amounts.Amount).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Empty(references.Except(CoreMayReference));
    }

    // What the verifier's and prover's cryptography may use besides: threads (the pairing's helper thread,
    // the prover's MSMs and FFTs over the cores; Aggregator.Crypto.Prover is held to the same list) and the OS CSPRNG (the prover's blinding r and s). No
    // files, processes or network: a verifier's dependencies are its attack surface.
    private static readonly string[] CryptoMayReference =
    [
        .. CoreMayReference, "System.Threading", "System.Threading.Thread", "System.Collections.Concurrent",
        "System.Threading.Tasks.Parallel", "System.Security.Cryptography",
    ];

    [Fact]
    public void Crypto_references_no_project_and_does_no_io_so_a_verifier_carries_nothing_else()
    {
        var assembly = typeof(Crypto.Field.Fr).Assembly;
        Assert.Empty(AggregatorReferences(assembly));
        Assert.Empty(assembly.GetReferencedAssemblies().Select(a => a.Name!).Except(CryptoMayReference));
    }

    [Fact]
    public void Commitment_and_proving_build_on_crypto_and_core_only()
    {
        Assert.Equal(["Aggregator.Core", "Aggregator.Crypto"], AggregatorReferences(typeof(Commitment.MerkleSumTree).Assembly));
        Assert.DoesNotContain("System.Diagnostics.Process", typeof(Commitment.MerkleSumTree).Assembly.GetReferencedAssemblies().Select(a => a.Name));
        Assert.Equal(["Aggregator.Commitment", "Aggregator.Core", "Aggregator.Crypto", "Aggregator.Crypto.Prover"], AggregatorReferences(typeof(Proving.EpochProofs).Assembly));
    }

    [Fact]
    public void The_prover_arithmetic_builds_on_crypto_alone_and_the_verifier_does_not_carry_it()
    {
        var prover = Assembly.Load("Aggregator.Crypto.Prover");
        Assert.Equal(["Aggregator.Crypto"], AggregatorReferences(prover));
        Assert.Empty(prover.GetReferencedAssemblies().Select(a => a.Name!).Except([.. CryptoMayReference, "Aggregator.Crypto"]));
        // What only proving needs stays out of the verifier's library.
        Assert.Null(typeof(Crypto.Field.Fr).Assembly.GetType("Aggregator.Crypto.Prover.Msm.MultiScalarMultiplication`1"));
        // The field's lanes serve Poseidon (the tree) and live with the field; the curve's lanes serve the MSM alone.
        Assert.DoesNotContain(typeof(Crypto.Field.Fr).Assembly.GetTypes(), t => t.Name.StartsWith("Fq", StringComparison.Ordinal) && t.Name.Contains("Lanes", StringComparison.Ordinal)
            || t.Name.StartsWith("AffineAdditionLanes", StringComparison.Ordinal) || t.Name is "FrDomain" or "ProvingKey" or "QapEvaluation");
        Assert.NotNull(typeof(Crypto.Field.Fr).Assembly.GetType("Aggregator.Crypto.Poseidon.PoseidonLanes"));
    }

    [Fact]
    public void Margin_depends_on_core_only_and_does_no_network_io()
    {
        var assembly = typeof(Margin.Evaluation.PoolEvaluator).Assembly;
        Assert.Equal(["Aggregator.Core"], AggregatorReferences(assembly));
        Assert.DoesNotContain("System.Net.Http", assembly.GetReferencedAssemblies().Select(a => a.Name));
    }

    [Fact]
    public void Chain_adapters_depend_on_core_only()
    {
        // The shared resilience pipeline is the one other project an adapter may use.
        Assert.Equal(["Aggregator.Chains.Resilience", "Aggregator.Core"], AggregatorReferences(typeof(Chains.Evm.Balances.EvmBalanceReader).Assembly));
        Assert.Equal(["Aggregator.Chains.Resilience", "Aggregator.Core"], AggregatorReferences(typeof(Chains.Solana.Ownership.SolanaOwnershipVerifier).Assembly));
        Assert.Equal(["Aggregator.Core"], AggregatorReferences(typeof(Chains.Resilience.RpcPipeline).Assembly));
    }

    [Fact]
    public void Reserves_depend_on_core_and_the_chain_adapters_only()
    {
        Assert.Equal(
            ["Aggregator.Chains.Evm", "Aggregator.Chains.Solana", "Aggregator.Core"],
            AggregatorReferences(typeof(Reserves.ReservesSweep).Assembly));
    }

    [Fact]
    public void Messages_are_contracts_on_core_only()
    {
        Assert.Equal(["Aggregator.Core"], AggregatorReferences(typeof(Messages.CollateralObserved).Assembly));
    }

    // What each project of the services may reference (docs/architecture.md): the roles build on the
    // Host's shared wiring and never on one another; only the composition knows them all; the demo sits on
    // the composition; the CLI is the top.
    private static readonly string[] Pure = ["Aggregator.Core", "Aggregator.Crypto", "Aggregator.Commitment", "Aggregator.Proving", "Aggregator.Margin"];
    private static readonly string[] ChainsAndReserves = ["Aggregator.Chains.Evm", "Aggregator.Chains.Solana", "Aggregator.Chains.Resilience", "Aggregator.Reserves"];

    public static TheoryData<string, string[]> ServiceProjects => new()
    {
        { "Aggregator.Host", ["Aggregator.Core", "Aggregator.Messages"] },
        { "Aggregator.Engine", ["Aggregator.Core", "Aggregator.Messages", "Aggregator.Host", "Aggregator.Margin"] },
        { "Aggregator.Adapters", ["Aggregator.Core", "Aggregator.Messages", "Aggregator.Host", .. ChainsAndReserves] },
        { "Aggregator.Prover", ["Aggregator.Messages", "Aggregator.Host", .. Pure, .. ChainsAndReserves] },
        // The api reads published files and asks the prover over the bus: no chain, reserve or margin code.
        { "Aggregator.Api", ["Aggregator.Core", "Aggregator.Crypto", "Aggregator.Commitment", "Aggregator.Proving", "Aggregator.Messages", "Aggregator.Host"] },
        { "Aggregator.Composition", ["Aggregator.Messages", "Aggregator.Host", "Aggregator.Engine", "Aggregator.Adapters", "Aggregator.Prover", "Aggregator.Api", .. Pure, .. ChainsAndReserves] },
        { "Aggregator.Demo", ["Aggregator.Messages", "Aggregator.Host", "Aggregator.Engine", "Aggregator.Adapters", "Aggregator.Prover", "Aggregator.Api", "Aggregator.Composition", .. Pure, .. ChainsAndReserves] },
    };

    [Theory]
    [MemberData(nameof(ServiceProjects))]
    public void Each_service_project_references_only_what_its_layer_allows(string project, string[] allowed)
    {
        var assembly = Assembly.Load(project);
        Assert.Empty(AggregatorReferences(assembly).Except(allowed));
        Assert.DoesNotContain("aggregator", assembly.GetReferencedAssemblies().Select(a => a.Name));
    }

    [Fact]
    public void The_roles_are_built_on_the_host()
    {
        // A role that no longer uses the shared wiring would pass the rule above without being one.
        Assert.All(new[] { "Aggregator.Engine", "Aggregator.Adapters", "Aggregator.Prover", "Aggregator.Api" },
            role => Assert.Contains("Aggregator.Host", AggregatorReferences(Assembly.Load(role))));
    }

    [Fact]
    public void The_native_verifier_carries_only_what_verifying_needs()
    {
        // Compiled ahead of time and handed to anyone: no chain client, bus or role, and no package but
        // the command line's (Proving's Nethereum.Signer checks ceremony signatures; Wasmtime is never reached).
        var verifier = typeof(Verifier.VerifierApplication).Assembly;
        Assert.Empty(AggregatorReferences(verifier).Except(["Aggregator.Core", "Aggregator.Crypto", "Aggregator.Commitment", "Aggregator.Proving"]));
        var packages = verifier.GetReferencedAssemblies().Select(a => a.Name!).Where(n => !n.StartsWith("Aggregator.", StringComparison.Ordinal) && !n.StartsWith("System", StringComparison.Ordinal) && n is not "netstandard").ToArray();
        Assert.Empty(packages);
    }

    [Fact]
    public void The_cli_is_the_top_nothing_references_it()
    {
        var cli = typeof(Cli.CliApplication).Assembly;
        Assert.Contains("Aggregator.Demo", AggregatorReferences(cli));
        Assert.Contains("Aggregator.Composition", AggregatorReferences(cli));
    }

    [Fact]
    public void The_fields_know_nothing_of_the_curve()
    {
        // Fields (Fr, Fq, Montgomery arithmetic) are below the curve (Bn254: points, pairing), never the
        // other way: no type of the Field namespace names a Bn254 type in what it declares.
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        static IEnumerable<Type> Named(Type type) => type.IsGenericType
            ? [type, .. type.GetGenericArguments().SelectMany(Named)]
            : type.HasElementType ? Named(type.GetElementType()!) : [type];
        var offending = typeof(Crypto.Field.Fr).Assembly.GetTypes()
            .Where(t => t.Namespace == "Aggregator.Crypto.Field")
            .SelectMany(t => new[] { t.BaseType }.OfType<Type>()
                .Concat(t.GetInterfaces())
                .Concat(t.GetFields(all).Select(f => f.FieldType))
                .Concat(t.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .SelectMany(Named)
                .Where(used => used.Namespace == "Aggregator.Crypto.Bn254")
                .Select(used => $"{t.Name} uses {used.Name}"))
            .Distinct()
            .ToArray();
        Assert.Empty(offending);
    }
}
