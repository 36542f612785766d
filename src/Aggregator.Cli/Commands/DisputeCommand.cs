using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Errors;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator dispute file | answer | list</c>: omissions on record (docs/proofs.md, "Disputes"). An
/// account whose inclusion check failed, or that got no proof, files the hash of a salted statement, from
/// any address, without revealing a balance; the publisher answers the same way.
/// </summary>
internal static class DisputeCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("dispute", "Disputes of a published epoch on the registry: file one (anyone), answer one (the publisher), list them.");
        command.Subcommands.Add(File(context, answer: false));
        command.Subcommands.Add(File(context, answer: true));
        command.Subcommands.Add(List(context));
        return command;
    }

    private static Option<ulong> Epoch() => new("--epoch") { Description = "The published epoch", Required = true };

    private static Command File(CliContext context, bool answer)
    {
        var (rpc, registry, epoch) = (RegistryOptions.Rpc(), RegistryOptions.Registry(), Epoch());
        var keyFile = new Option<string>("--key-file") { Description = answer ? "The publisher's key" : "The sender's key (any address: a fresh one keeps the filer unlinked)", Required = true };
        var publisher = new Option<string>("--publisher") { Description = "The publisher of the disputed epoch", Required = !answer };
        var index = new Option<ulong>("--index") { Description = "The dispute answered (from `dispute list`)", Required = answer };
        var statement = new Option<string>("--statement") { Description = "What is said: only keccak256(salt ‖ statement) goes on chain", Required = true };
        var salt = new Option<string?>("--salt") { Description = "32 bytes of hex (default: drawn at random and printed: keep it to reveal the statement later)" };
        var command = answer
            ? new Command("answer", "The publisher's answer to a dispute of its epoch, recorded as keccak256(salt ‖ statement), once, within 30 days of the publication.") { rpc, registry, epoch, keyFile, index, statement, salt }
            : new Command("file", "File a dispute of a published epoch, as keccak256(salt ‖ statement), within 30 days of its publication; prints the salt and the hash to keep.") { rpc, registry, epoch, keyFile, publisher, statement, salt };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var saltBytes = parseResult.GetValue(salt) is { } given
                ? (given.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? given[2..] : given) is { Length: 64 } hex && hex.All(char.IsAsciiHexDigit)
                    ? Convert.FromHexString(hex)
                    : throw new InputException("--salt must be 32 bytes of hex", field: "--salt")
                : RandomNumberGenerator.GetBytes(32);
            var hash = FiledDispute.Hash(saltBytes, parseResult.GetValue(statement)!);
            var web3 = await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, parseResult.GetValue(keyFile)!, "--rpc", cancellationToken).ConfigureAwait(false);
            var client = new SolvencyRegistryClient(web3, RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"), web3.TransactionManager.Account.Address);
            var receipt = answer
                ? await client.AnswerDisputeAsync(parseResult.GetValue(epoch), parseResult.GetValue(index), hash).ConfigureAwait(false)
                : await client.DisputeAsync(RegistryOptions.Address(parseResult.GetValue(publisher)!, "--publisher"), parseResult.GetValue(epoch), hash).ConfigureAwait(false);
            context.Output.WriteLine($"{(answer ? "answered" : "filed")} in transaction {receipt.TransactionHash}");
            context.Output.WriteLine($"salt: 0x{Convert.ToHexStringLower(saltBytes)}");
            context.Output.WriteLine($"hash: 0x{Convert.ToHexStringLower(hash)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var (rpc, registry, epoch) = (RegistryOptions.Rpc(), RegistryOptions.Registry(), Epoch());
        var publisher = new Option<string>("--publisher") { Description = "The publisher of the epoch", Required = true };
        var command = new Command("list", "Every dispute filed against a published epoch: filer, time, statement hash and the publisher's answer hash.") { rpc, registry, epoch, publisher };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var who = RegistryOptions.Address(parseResult.GetValue(publisher)!, "--publisher");
            var client = new SolvencyRegistryClient(new Web3(parseResult.GetValue(rpc)!), RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry"), who);
            var disputes = await client.DisputesAsync(who, parseResult.GetValue(epoch)).ConfigureAwait(false);
            context.Output.WriteLine($"{disputes.Count} disputes of epoch {parseResult.GetValue(epoch)} (an upper bound: anyone may file)");
            for (var i = 0; i < disputes.Count; i++)
            {
                var d = disputes[i];
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{i}: filed by {d.Filer} at {d.FiledAt:u}: 0x{Convert.ToHexStringLower(d.Statement)}; {(d.Answer is null ? "not answered" : $"answered 0x{Convert.ToHexStringLower(d.Answer)}")}"));
            }
            return ExitCodes.Success;
        });
        return command;
    }

}
