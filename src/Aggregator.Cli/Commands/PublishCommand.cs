using System.CommandLine;
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

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator publish</c>: the epoch's root, reserves and solvency proof into the SolvencyRegistry.</summary>
internal static class PublishCommand
{
    // Anvil's and Hardhat's default chain ids: where development keys may be published without asking.
    private static bool IsLocalChain(BigInteger? chainId) => chainId == 31337 || chainId == 1337;

    public static Command Create(CliContext context)
    {
        var epoch = new Option<string>("--epoch") { Description = "The epoch directory, with its solvency proof", Required = true };
        var rpc = new Option<string>("--rpc") { Description = "JSON-RPC URL of the EVM node (never printed: it may carry credentials)", Required = true };
        var registry = new Option<string>("--registry") { Description = "Address of the SolvencyRegistry", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "File holding the publisher's private key (hex)", Required = true };
        var allowInsecure = new Option<bool>("--allow-insecure-keys")
        {
            Description = "Publish proofs made with the insecure development keys on a chain other than a local one (31337, 1337)",
        };
        var command = new Command("publish", "Publish the epoch's commitment and reserves on chain; the registry stores them only if the solvency proof verifies for this epoch and publisher. Records the transaction in the manifest.")
        {
            epoch, rpc, registry, keyFile, allowInsecure,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var directory = parseResult.GetValue(epoch)!;
            var manifest = EpochDirectory.ReadManifest(directory);
            var proofPath = Path.Combine(directory, EpochProofs.SolvencyProofFile);
            if (manifest.Reserves is null || !File.Exists(proofPath))
            {
                throw new InputException("the epoch has no solvency proof yet: run `aggregator prove solvency` first", file: directory);
            }
            context.WarnIfKeysInsecure();
            var proof = SolidityCalldata.Proof(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(proofPath))!["proof"]!.ToJsonString());
            var reserves = manifest.Reserves.Select(r => BigInteger.Parse(r.ProofUnits, CultureInfo.InvariantCulture)).ToArray();
            var web3 = await Connect(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!).ConfigureAwait(false);
            var address = parseResult.GetValue(registry)!;
            if (!Chains.Evm.EvmAddress.IsValid(address))
            {
                throw new InputException($"'{address}' is not an EVM address (0x and 20 bytes of hex)", field: "--registry");
            }
            var publisher = ((Account)web3.TransactionManager.Account).Address;
            if (!string.Equals(publisher, manifest.Publisher, StringComparison.OrdinalIgnoreCase))
            {
                throw new InputException($"the epoch is committed to publisher {manifest.Publisher}, but the key is {publisher}'s: the registry would refuse it", field: "--key-file");
            }
            var chainId = ((Account)web3.TransactionManager.Account).ChainId;
            if (VerificationKeys.PinnedKeysAreInsecure && !IsLocalChain(chainId) && !parseResult.GetValue(allowInsecure))
            {
                throw new InputException($"the proof was made with insecure development keys; chain {chainId} is not a local development chain (31337, 1337): pass --allow-insecure-keys to publish anyway", field: "--allow-insecure-keys");
            }
            var client = new SolvencyRegistryClient(web3, address, publisher);
            try
            {
                var receipt = await client.PublishAsync(
                    manifest.Epoch, BigInteger.Parse(manifest.Commitment, CultureInfo.InvariantCulture), BigInteger.Parse(manifest.ParamsHash, CultureInfo.InvariantCulture),
                    reserves, proof, cancellationToken).ConfigureAwait(false);
                EpochDirectory.UpdateManifest(directory, manifest with
                {
                    Publication = new EpochManifest.PublicationEntry($"eip155:{chainId}", address, publisher, receipt.TransactionHash),
                });
                context.Output.WriteLine($"published epoch {manifest.Epoch} in transaction {receipt.TransactionHash} (gas used {receipt.GasUsed.Value})");
                return ExitCodes.Success;
            }
            catch (RegistryRejectedException rejected)
            {
                context.Error.WriteLine(rejected.Message);
                return ExitCodes.CheckFailed;
            }
        });
        return command;
    }

    /// <summary>A signing Web3 for the key in <paramref name="keyFile"/>, on the chain the node reports.</summary>
    internal static async Task<Web3> Connect(string rpc, string keyFile)
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
        if (!Uri.TryCreate(rpc, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InputException("not an http(s) URL", field: "--rpc");
        }
        Nethereum.Hex.HexTypes.HexBigInteger chainId;
        try
        {
            chainId = await new Web3(rpc).Eth.ChainId.SendRequestAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpRequestException or TimeoutException or Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcClientTimeoutException or Nethereum.JsonRpc.Client.RpcResponseException)
        {
            // The URL is not printed: it may carry credentials.
            throw new ChainReadFailedException($"the node given by --rpc did not answer eth_chainId: {error.Message}", error);
        }
        return new Web3(new Account(hex, chainId.Value), rpc);
    }
}
