using Nethereum.Web3;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>
/// Deploys the generated Groth16 verifiers and a SolvencyRegistry from the compiled artifacts
/// (contracts/artifacts), as the tests, the benchmarks and a local demo need.
/// </summary>
public static class RegistryDeployment
{
    /// <summary>How long after its window an epoch may be published by default: a day.</summary>
    public const ulong DefaultPublicationDelay = 86_400;

    /// <summary>How far apart two publications' window ends may be for a shared address to be a double claim, by default: a day.</summary>
    public const ulong DefaultChallengeDistance = 86_400;

    /// <summary>
    /// Deploys both verifiers and a registry owned by the web3's account, with an epoch's publication
    /// delay in seconds (after it, an unpublished epoch is missed) and its challenge distance (how far apart
    /// two publications' windows may end for an address both counted to be a double claim); returns the
    /// registry's address.
    /// </summary>
    public static async Task<string> DeployAsync(
        IWeb3 web3, string artifactsDirectory, ulong publicationDelay = DefaultPublicationDelay, ulong challengeDistance = DefaultChallengeDistance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var owner = web3.TransactionManager.Account.Address;
        var solvency = await ContractArtifact.DeployAsync(web3, artifactsDirectory, "SolvencyVerifier", [], cancellationToken).ConfigureAwait(false);
        var inclusion = await ContractArtifact.DeployAsync(web3, artifactsDirectory, "InclusionVerifier", [], cancellationToken).ConfigureAwait(false);
        var registry = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            SolvencyRegistryClient.Abi, SolvencyRegistryClient.Bytecode, owner, ContractArtifact.DeployGas, cancellationToken, solvency, inclusion, publicationDelay, challengeDistance).ConfigureAwait(false);
        return registry.ContractAddress;
    }
}
