using System.CommandLine;
using Aggregator.Chains.Evm.Registry;
using Nethereum.RPC.Eth.DTOs;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>register</c> and <c>revoke</c> of an auditor or a custodian on the SolvencyRegistry: the registry's
/// owner only, an address once, a revoked one for good (docs/proofs.md).
/// </summary>
internal static class AttestorRegistration
{
    /// <summary>Who is registered: its option name, the help texts and the registry's two calls.</summary>
    public sealed record Role(
        string Name, string AddressDescription, string RegisterDescription, string RevokeDescription,
        Func<SolvencyRegistryClient, string, string, Task<TransactionReceipt>> Register, Func<SolvencyRegistryClient, string, Task<TransactionReceipt>> Revoke);

    public static Command Command(CliContext context, Role role, bool revoke)
    {
        var (rpc, registry) = (RegistryOptions.Rpc(), RegistryOptions.Registry());
        var keyFile = new Option<string>("--key-file") { Description = "The registry owner's key", Required = true };
        var address = new Option<string>($"--{role.Name}") { Description = role.AddressDescription, Required = true };
        var name = new Option<string>("--name") { Description = $"The {role.Name}'s name, as verifiers print it", Required = true };
        var command = revoke
            ? new Command("revoke", role.RevokeDescription) { rpc, registry, keyFile, address }
            : new Command("register", role.RegisterDescription) { rpc, registry, keyFile, address, name };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var web3 = await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!, "--rpc", cancellationToken).ConfigureAwait(false);
            var client = new SolvencyRegistryClient(web3, RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"), web3.TransactionManager.Account.Address);
            var who = RegistryOptions.Address(parseResult.GetValue(address)!, $"--{role.Name}");
            var receipt = revoke
                ? await role.Revoke(client, who).ConfigureAwait(false)
                : await role.Register(client, who, parseResult.GetValue(name)!).ConfigureAwait(false);
            context.Output.WriteLine($"{role.Name} {who} {(revoke ? "revoked" : $"registered as \"{parseResult.GetValue(name)}\"")} in transaction {receipt.TransactionHash}");
            return ExitCodes.Success;
        });
        return command;
    }
}
