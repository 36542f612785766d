using System.CommandLine;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Prover;

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
            var manifest = RegistryPublisher.CheckReady(directory, parseResult.GetValue(registry)!);
            context.WarnIfKeysInsecure();
            var web3 = await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!, "--rpc", cancellationToken).ConfigureAwait(false);
            try
            {
                var publication = await RegistryPublisher.PublishAsync(directory, web3, parseResult.GetValue(registry)!, parseResult.GetValue(allowInsecure), cancellationToken).ConfigureAwait(false);
                context.Output.WriteLine($"published epoch {manifest.Epoch} in transaction {publication.TransactionHash}");
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
}
