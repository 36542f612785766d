using System.Reflection;

namespace Aggregator.Cli.Tests.Architecture;

/// <summary>The reference rules of shared/DESIGN.md section 2, read from the built assemblies.</summary>
public class ProjectReferenceTests
{
    private static string[] AggregatorReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Aggregator.", StringComparison.Ordinal)).Order().ToArray();

    [Fact]
    public void Core_references_no_other_project()
    {
        Assert.Empty(AggregatorReferences(typeof(Core.Amounts.Amount).Assembly));
    }

    [Fact]
    public void Core_does_no_io()
    {
        var references = typeof(Core.Amounts.Amount).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.DoesNotContain("System.Net.Http", references);
        Assert.DoesNotContain("System.Net.Sockets", references);
        Assert.DoesNotContain("System.Net.Primitives", references);
    }

    [Fact]
    public void Proofs_depends_on_core_only_so_a_verifier_carries_nothing_else()
    {
        Assert.Equal(["Aggregator.Core"], AggregatorReferences(typeof(Proofs.Field.Fr).Assembly));
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
        Assert.Equal(["Aggregator.Core"], AggregatorReferences(typeof(Chains.Evm.Balances.EvmBalanceReader).Assembly));
        Assert.Equal(["Aggregator.Core"], AggregatorReferences(typeof(Chains.Solana.Ownership.SolanaOwnershipVerifier).Assembly));
    }
}
