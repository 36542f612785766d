using System.Globalization;
using System.Numerics;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Groth16;
using Aggregator.Host.Bus;
using Aggregator.Proving;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Aggregator.Prover;

/// <summary>
/// Publishes a proved epoch directory to a SolvencyRegistry (the one place `aggregator publish` and the
/// prover role do it): the commitment, paramsHash, reserves and solvency proof, sent from the epoch's
/// publisher; the transaction is recorded in the manifest.
/// </summary>
public static class RegistryPublisher
{
    // Anvil's and Hardhat's default chain ids: where development keys may be published without asking.
    private static bool IsLocalChain(BigInteger? chainId) => chainId == 31337 || chainId == 1337;

    /// <summary>The epoch's manifest, once it is known to be ready to publish (checked before any network call).</summary>
    /// <exception cref="InputException">No solvency proof yet, or a registry that is not an address.</exception>
    public static EpochManifest CheckReady(string directory, string registry)
    {
        var manifest = EpochDirectory.ReadManifest(directory);
        if (manifest.Reserves is null || !File.Exists(Path.Combine(directory, EpochProofs.SolvencyProofFile)))
        {
            throw new InputException("the epoch has no solvency proof yet: run `aggregator prove solvency` first", file: directory);
        }
        if (!Chains.Evm.EvmAddress.IsValid(registry))
        {
            throw new InputException($"'{registry}' is not an EVM address (0x and 20 bytes of hex)", field: "--registry");
        }
        return manifest;
    }

    /// <summary>
    /// Publishes the epoch in <paramref name="directory"/> once (<see cref="SolvencyRegistryClient.PublishOnceAsync"/>)
    /// and records the publication in its manifest.
    /// </summary>
    /// <exception cref="InputException">No solvency proof yet, a key that is not the epoch's publisher, or insecure keys off a local chain without <paramref name="allowInsecureKeys"/>.</exception>
    /// <exception cref="RegistryRejectedException">The registry refused the publication.</exception>
    public static async Task<EpochManifest.PublicationEntry> PublishAsync(string directory, Web3 web3, string registry, bool allowInsecureKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var manifest = CheckReady(directory, registry);
        var proofPath = Path.Combine(directory, EpochProofs.SolvencyProofFile);
        var account = (Account)web3.TransactionManager.Account;
        if (!string.Equals(account.Address, manifest.Publisher, StringComparison.OrdinalIgnoreCase))
        {
            throw new InputException($"the epoch is committed to publisher {manifest.Publisher}, but the key is {account.Address}'s: the registry would refuse it", field: "key");
        }
        if (!IsLocalChain(account.ChainId) && !allowInsecureKeys
            && Proving.Ceremony.KeySecurity.InsecureBecause(VerificationKeys.Installed().Directory, account.Address) is { Count: > 0 } insecure)
        {
            throw new InputException($"the keys are insecure ({string.Join("; ", insecure)}); chain {account.ChainId} is not a local development chain (31337, 1337): pass --allow-insecure-keys to publish anyway", field: "--allow-insecure-keys");
        }
        var proof = SnarkjsJson.ReadProofFile(proofPath).ToEvmWords();
        var reserves = manifest.Reserves!.Select(r => BigInteger.Parse(r.ProofUnits, CultureInfo.InvariantCulture)).ToArray();
        var (commitment, paramsHash) = (BigInteger.Parse(manifest.Commitment, CultureInfo.InvariantCulture), BigInteger.Parse(manifest.ParamsHash, CultureInfo.InvariantCulture));
        var client = new SolvencyRegistryClient(web3, registry, account.Address);
        var required = await client.CoverageAtAsync(account.Address, manifest.Epoch).ConfigureAwait(false);
        if (!manifest.Reserves!.Select(r => r.CoverageBasisPoints).SequenceEqual(required))
        {
            throw new InputException(
                $"the solvency proof shows coverage ratios {string.Join(", ", manifest.Reserves!.Select(r => r.CoverageBasisPoints))} bp, but the registry fixes {string.Join(", ", required)} bp for epoch {manifest.Epoch}: prove solvency again with those ratios",
                file: proofPath);
        }
        // The claims root over the addresses the evidence counted (none without evidence), chained onto the
        // publisher's latest commitment.
        var evidence = Path.Combine(directory, EpochProofs.ReservesEvidenceFile);
        var claims = File.Exists(evidence) ? Reserves.Evidence.ReservesReportFile.Read(evidence).ClaimsRoot : null;
        var links = new PublicationLinks(claims is null ? new byte[32] : Convert.FromHexString(claims[2..]), await client.LatestCommitmentAsync(account.Address).ConfigureAwait(false));
        var transaction = await client.PublishOnceAsync(manifest.Epoch, commitment, paramsHash, reserves, proof, links, cancellationToken).ConfigureAwait(false);
        var (block, time) = await client.BlockOfAsync(transaction).ConfigureAwait(false);
        var publication = new EpochManifest.PublicationEntry($"eip155:{account.ChainId}", registry, account.Address, transaction)
        {
            Block = block,
            BlockTime = time,
            ClaimsRoot = "0x" + Convert.ToHexStringLower(links.ClaimsRoot),
            PrevCommitment = links.PrevCommitment!.Value.ToString(CultureInfo.InvariantCulture),
        };
        EpochDirectory.UpdateManifest(directory, manifest with { Publication = publication });
        return publication;
    }
}
