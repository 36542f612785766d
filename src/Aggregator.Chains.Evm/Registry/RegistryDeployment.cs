using System.Text.Json;
using Nethereum.Hex.HexTypes;
using Nethereum.Web3;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>
/// Deploys the generated Groth16 verifiers and a SolvencyRegistry from the compiled artifacts
/// (contracts/artifacts), as the tests, the benchmarks and a local demo need.
/// </summary>
public static class RegistryDeployment
{
    private static readonly HexBigInteger DeployGas = new(6_000_000);

    /// <summary>Deploys both verifiers and a registry owned by the web3's account; returns the registry's address.</summary>
    public static async Task<string> DeployAsync(IWeb3 web3, string artifactsDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var owner = web3.TransactionManager.Account.Address;
        var solvency = await Deploy(web3, owner, artifactsDirectory, "SolvencyVerifier", cancellationToken).ConfigureAwait(false);
        var inclusion = await Deploy(web3, owner, artifactsDirectory, "InclusionVerifier", cancellationToken).ConfigureAwait(false);
        var registry = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            SolvencyRegistryClient.Abi, SolvencyRegistryClient.Bytecode, owner, DeployGas, cancellationToken, solvency, inclusion).ConfigureAwait(false);
        return registry.ContractAddress;
    }

    private static async Task<string> Deploy(IWeb3 web3, string from, string artifactsDirectory, string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(artifactsDirectory, $"{name}.json");
        using var artifact = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        var receipt = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            artifact.RootElement.GetProperty("abi").GetRawText(), artifact.RootElement.GetProperty("bytecode").GetString()!, from, DeployGas, cancellationToken).ConfigureAwait(false);
        return receipt.ContractAddress;
    }
}
