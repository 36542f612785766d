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
    public static Command Create(CliContext context)
    {
        var epoch = new Option<string>("--epoch") { Description = "The epoch directory, with its solvency proof", Required = true };
        var rpc = new Option<string>("--rpc") { Description = "JSON-RPC URL of the EVM node (never printed: it may carry credentials)", Required = true };
        var registry = new Option<string>("--registry") { Description = "Address of the SolvencyRegistry", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "File holding the publisher's private key (hex)", Required = true };
        var command = new Command("publish", "Publish the epoch's root and reserves on chain; the registry stores them only if the solvency proof verifies. Records the transaction in the manifest.")
        {
            epoch, rpc, registry, keyFile,
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
            var proof = SolidityCalldata.Proof(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(proofPath))!["proof"]!.ToJsonString());
            var reserves = manifest.Reserves.Select(r => BigInteger.Parse(r.ProofUnits, CultureInfo.InvariantCulture)).ToArray();
            var web3 = await Connect(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!).ConfigureAwait(false);
            var address = parseResult.GetValue(registry)!;
            if (!Chains.Evm.EvmAddress.IsValid(address))
            {
                throw new InputException($"'{address}' is not an EVM address (0x and 20 bytes of hex)", field: "--registry");
            }
            var publisher = ((Account)web3.TransactionManager.Account).Address;
            var client = new SolvencyRegistryClient(web3, address, publisher);
            try
            {
                var receipt = await client.PublishAsync(manifest.Epoch, BigInteger.Parse(manifest.RootHash, CultureInfo.InvariantCulture), reserves, proof, cancellationToken).ConfigureAwait(false);
                var chainId = ((Account)web3.TransactionManager.Account).ChainId;
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
