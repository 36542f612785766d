using System.Text.Json;
using Aggregator.Chains.Evm.Registry;
using Aggregator.IntegrationTests.Evm;
using Aggregator.Testing;
using Nethereum.Hex.HexTypes;

namespace Aggregator.IntegrationTests.Registry;

/// <summary>The generated verifiers and a SolvencyRegistry deployed from contracts/artifacts on the node.</summary>
internal static class RegistryDeployment
{
    private static readonly HexBigInteger DeployGas = new(6_000_000);

    /// <summary>Deploys both verifiers and a registry owned by account 0, with account 1 authorized to publish.</summary>
    public static async Task<string> DeployAsync(AnvilNode node)
    {
        var web3 = node.Web3For(0);
        var owner = web3.TransactionManager.Account.Address;
        var solvency = await Deploy(web3, owner, "SolvencyVerifier");
        var inclusion = await Deploy(web3, owner, "InclusionVerifier");
        var registry = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            SolvencyRegistryClient.Abi, SolvencyRegistryClient.Bytecode, owner, DeployGas, CancellationToken.None, solvency, inclusion);
        var client = new SolvencyRegistryClient(web3, registry.ContractAddress, owner);
        await client.SetPublisherAsync(node.Web3For(1).TransactionManager.Account.Address, true);
        return registry.ContractAddress;
    }

    private static async Task<string> Deploy(Nethereum.Web3.Web3 web3, string from, string name)
    {
        using var artifact = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryPaths.Combine("contracts", "artifacts", $"{name}.json")));
        var receipt = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            artifact.RootElement.GetProperty("abi").GetRawText(), artifact.RootElement.GetProperty("bytecode").GetString()!, from, DeployGas, CancellationToken.None);
        return receipt.ContractAddress;
    }
}
