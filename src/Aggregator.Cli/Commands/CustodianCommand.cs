using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Core.Ownership;
using Nethereum.Signer;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator custodian register | revoke | show | attest</c>: custodians on the SolvencyRegistry
/// (docs/proofs.md, "Evidence tags"). The registry's owner registers and revokes them; a custodian signs
/// the custody statement of a reserve address it holds for an institution, for one epoch.
/// </summary>
internal static class CustodianCommand
{
    private static readonly AttestorRegistration.Role Custodians = new(
        "custodian", "The custodian's EVM address (the key that signs its custody statements)",
        "Register a custodian under a name (the registry's owner only, never a publisher; an address once): its custody statements make reserve addresses custodian-attested.",
        "Revoke a custodian: its statements count for no window ending after now; earlier windows keep them.",
        (client, who, name) => client.RegisterCustodianAsync(who, name), (client, who) => client.RevokeCustodianAsync(who));

    public static Command Create(CliContext context)
    {
        var command = new Command("custodian", "Custodians on the SolvencyRegistry: register or revoke one (the registry's owner), show one, sign a custody statement (a custodian).");
        command.Subcommands.Add(AttestorRegistration.Command(context, Custodians, revoke: false));
        command.Subcommands.Add(AttestorRegistration.Command(context, Custodians, revoke: true));
        command.Subcommands.Add(Show(context));
        command.Subcommands.Add(Attest(context));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var (rpc, registry) = (RegistryOptions.Rpc(), RegistryOptions.Registry());
        var custodian = new Option<string>("--custodian") { Description = "The custodian's address", Required = true };
        var command = new Command("show", "A custodian's name, when the registry's owner registered it, and whether it is revoked.") { rpc, registry, custodian };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var who = RegistryOptions.Address(parseResult.GetValue(custodian)!, "--custodian");
            var client = new SolvencyRegistryClient(new Web3(parseResult.GetValue(rpc)!), RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"), who);
            if (await client.CustodianOfAsync(who).ConfigureAwait(false) is not { } known)
            {
                context.Output.WriteLine($"{who} is not a registered custodian: its statements count for nothing");
                return ExitCodes.CheckFailed;
            }
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"custodian \"{known.Name}\" ({who}): registered at {known.RegisteredAt.ToUnixTimeSeconds()} ({known.RegisteredAt:u}){(known.RevokedAt is { } revoked ? $", REVOKED at {revoked.ToUnixTimeSeconds()} ({revoked:u})" : "")}"));
            return known.RevokedAt is null ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static Command Attest(CliContext context)
    {
        var keyFile = new Option<string>("--key-file") { Description = "The custodian's key", Required = true };
        var institution = new Option<string>("--institution") { Description = "The institution the address is held for, as its publisher announced it", Required = true };
        var chain = new Option<string>("--chain") { Description = "The address's chain (CAIP-2: eip155:1, solana:mainnet, ...)", Required = true };
        var address = new Option<string>("--address") { Description = "The reserve address held", Required = true };
        var epoch = new Option<ulong>("--epoch") { Description = "The epoch (window end) the statement is for", Required = true };
        var command = new Command("attest", "Sign the custody statement of a reserve address for an epoch with the custodian's key; prints the entry for the reserves configuration's addresses.")
        {
            keyFile, institution, chain, address, epoch,
        };
        command.SetAction(parseResult =>
        {
            ChainId on;
            try
            {
                on = ChainId.Parse(parseResult.GetValue(chain)!);
            }
            catch (FormatException error)
            {
                throw new InputException(error.Message, field: "--chain");
            }
            var key = new EthECKey(PublisherKey.ReadKey(parseResult.GetValue(keyFile)!));
            var text = new OwnershipMessage(parseResult.GetValue(institution)!, on, parseResult.GetValue(address)!, parseResult.GetValue(epoch), Custody: true).Text;
            context.Output.WriteLine(new JsonObject
            {
                ["address"] = parseResult.GetValue(address),
                ["custodian"] = key.GetPublicAddress(),
                ["signedText"] = text,
                ["signature"] = new EthereumMessageSigner().EncodeUTF8AndSign(text, key),
            }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        });
        return command;
    }
}
