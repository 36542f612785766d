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

    /// <summary>An artifact embedded in this assembly (contracts/artifacts/NAME.json, under the logical name NAME.json).</summary>
    /// <exception cref="InvalidOperationException">It is not embedded.</exception>
    public static (string Abi, string Bytecode) Embedded(string name)
    {
        using var stream = typeof(ContractArtifact).Assembly.GetManifestResourceStream($"{name}.json")
            ?? throw new InvalidOperationException($"the embedded {name} artifact is missing");
        using var document = JsonDocument.Parse(stream);
        return (document.RootElement.GetProperty("abi").GetRawText(), document.RootElement.GetProperty("bytecode").GetString()!);
    }

    public static async Task<(string Abi, string Bytecode)> LoadAsync(string artifactsDirectory, string name, CancellationToken cancellationToken = default)
    {
        using var artifact = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(artifactsDirectory, $"{name}.json"), cancellationToken).ConfigureAwait(false));
        return (artifact.RootElement.GetProperty("abi").GetRawText(), artifact.RootElement.GetProperty("bytecode").GetString()!);
    }
}
