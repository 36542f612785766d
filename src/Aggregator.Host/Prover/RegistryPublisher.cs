using System.Globalization;
using System.Numerics;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Crypto.Groth16;
using Aggregator.Proving;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Aggregator.Host.Prover;

/// <summary>
/// Publishes a proved epoch directory to a SolvencyRegistry (the one place `aggregator publish` and the
/// prover role do it): the commitment, paramsHash, reserves and solvency proof, sent from the epoch's
/// publisher; the transaction is recorded in the manifest.
/// </summary>
public static class RegistryPublisher
{
    // Anvil's and Hardhat's default chain ids: where development keys may be published without asking.
    private static bool IsLocalChain(BigInteger? chainId) => chainId == 31337 || chainId == 1337;

    /// <summary>The private key in <paramref name="keyFile"/>, hex without 0x.</summary>
    /// <exception cref="InputException">A missing file, or one that does not hold a 32-byte key in hex.</exception>
    public static string ReadKey(string keyFile)
    {
        if (!File.Exists(keyFile))
        {
            throw new InputException("the key file does not exist", file: keyFile);
        }
        var key = File.ReadAllText(keyFile).Trim();
        var hex = key.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? key[2..] : key;
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            // Never echo the file's content: it is a private key.
            throw new InputException("the key file must hold a 32-byte private key in hex", file: keyFile);
        }
        return hex;
    }

    /// <summary>A signing Web3 for the key in <paramref name="keyFile"/>, on the chain the node reports.</summary>
    /// <param name="rpcField">Where the URL came from, for errors (the URL itself is never printed: it may carry credentials).</param>
    /// <exception cref="InputException">A missing or malformed key file, or a URL that is not http(s).</exception>
    /// <exception cref="ChainReadFailedException">The node did not answer.</exception>
    public static async Task<Web3> ConnectAsync(string rpc, string keyFile, string rpcField, CancellationToken cancellationToken = default)
    {
        var hex = ReadKey(keyFile);
        if (!Uri.TryCreate(rpc, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InputException("not an http(s) URL", field: rpcField);
        }
        Nethereum.Hex.HexTypes.HexBigInteger chainId;
        try
        {
            chainId = await new Web3(rpc).Eth.ChainId.SendRequestAsync().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpRequestException or TimeoutException or Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcClientTimeoutException or Nethereum.JsonRpc.Client.RpcResponseException)
        {
            throw new ChainReadFailedException($"the node given by {rpcField} did not answer eth_chainId: {error.Message}", error);
        }
        return new Web3(new Account(hex, chainId.Value), rpc);
    }

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
        if (VerificationKeys.PinnedKeysAreInsecure && !IsLocalChain(account.ChainId) && !allowInsecureKeys)
        {
            throw new InputException($"the proof was made with insecure development keys; chain {account.ChainId} is not a local development chain (31337, 1337): pass --allow-insecure-keys to publish anyway", field: "--allow-insecure-keys");
        }
        var proof = SolidityCalldata.Proof(System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(proofPath, cancellationToken).ConfigureAwait(false))!["proof"]!.ToJsonString());
        var reserves = manifest.Reserves!.Select(r => BigInteger.Parse(r.ProofUnits, CultureInfo.InvariantCulture)).ToArray();
        var (commitment, paramsHash) = (BigInteger.Parse(manifest.Commitment, CultureInfo.InvariantCulture), BigInteger.Parse(manifest.ParamsHash, CultureInfo.InvariantCulture));
        var transaction = await new SolvencyRegistryClient(web3, registry, account.Address)
            .PublishOnceAsync(manifest.Epoch, commitment, paramsHash, reserves, proof, cancellationToken).ConfigureAwait(false);
        var publication = new EpochManifest.PublicationEntry($"eip155:{account.ChainId}", registry, account.Address, transaction);
        EpochDirectory.UpdateManifest(directory, manifest with { Publication = publication });
        return publication;
    }
}
