using System.Text.Json;
using Nethereum.Hex.HexTypes;
using Nethereum.Web3;

namespace Aggregator.Chains.Evm;

/// <summary>The compiled contracts of contracts/artifacts ({ abi, bytecode }), deployed with an explicit gas limit.</summary>
public static class ContractArtifact
{
    public static readonly HexBigInteger DeployGas = new(6_000_000);

    public static async Task<string> DeployAsync(IWeb3 web3, string artifactsDirectory, string name, object[] constructorArguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var (abi, bytecode) = await LoadAsync(artifactsDirectory, name, cancellationToken).ConfigureAwait(false);
        var receipt = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            abi, bytecode, web3.TransactionManager.Account.Address, DeployGas, cancellationToken, constructorArguments).ConfigureAwait(false);
        return receipt.ContractAddress;
    }

    public static async Task<(string Abi, string Bytecode)> LoadAsync(string artifactsDirectory, string name, CancellationToken cancellationToken = default)
    {
        using var artifact = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifactsDirectory, $"{name}.json"), cancellationToken).ConfigureAwait(false));
        return (artifact.RootElement.GetProperty("abi").GetRawText(), artifact.RootElement.GetProperty("bytecode").GetString()!);
    }
}
