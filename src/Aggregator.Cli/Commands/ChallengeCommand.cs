using System.CommandLine;
using Aggregator.Chains.Evm;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Reserves.Claims;
using Aggregator.Reserves.Evidence;
using Nethereum.Web3;

namespace Aggregator.Cli.Commands;

/// <summary>
/// <c>aggregator challenge</c>: the reserve addresses two publishers' epochs both counted (docs/proofs.md,
/// "Double claims"); an EVM address proven on the registry, a Solana address judged off chain.
/// </summary>
internal static class ChallengeCommand
{
    public static Command Create(CliContext context)
    {
        var first = new Option<string>("--evidence-a") { Description = "The first publication's reserves evidence (its epoch directory's reserves.json)", Required = true };
        var firstPublisher = new Option<string>("--publisher-a") { Description = "The first publication's publisher", Required = true };
        var second = new Option<string>("--evidence-b") { Description = "The second publication's reserves evidence", Required = true };
        var secondPublisher = new Option<string>("--publisher-b") { Description = "The second publication's publisher", Required = true };
        var (rpc, registry) = (RegistryOptions.Rpc(), RegistryOptions.Registry());
        var keyFile = new Option<string?>("--key-file") { Description = "The sender's key: prove each EVM double claim on the registry (without it, only check)" };
        var command = new Command("challenge", "Find the reserve addresses two publishers' epochs both counted, each with its own signature and claims root; prove each EVM one on the registry (both publications are then marked for good), judge each Solana one off chain. Exit 1 when a double claim is found.")
        {
            first, firstPublisher, second, secondPublisher, rpc, registry, keyFile,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var a = ReservesReportFile.Read(parseResult.GetValue(first)!);
            var b = ReservesReportFile.Read(parseResult.GetValue(second)!);
            var (publisherA, publisherB) = (RegistryOptions.Address(parseResult.GetValue(firstPublisher)!, "--publisher-a"), RegistryOptions.Address(parseResult.GetValue(secondPublisher)!, "--publisher-b"));
            var address = RegistryOptions.Address(parseResult.GetValue(registry)!, "--registry");
            var reader = new SolvencyRegistryClient(new Web3(parseResult.GetValue(rpc)!), address, publisherA);
            await RequirePublishedAsync(reader, a, publisherA, "--evidence-a").ConfigureAwait(false);
            await RequirePublishedAsync(reader, b, publisherB, "--evidence-b").ConfigureAwait(false);
            var (found, notProven) = DoubleClaims.Between(a, b);
            foreach (var reason in notProven)
            {
                context.Output.WriteLine($"not a double claim: {reason}");
            }
            Web3? sender = parseResult.GetValue(keyFile) is { } key
                ? await PublisherKey.ConnectAsync(parseResult.GetValue(rpc)!, key, "--rpc", cancellationToken).ConfigureAwait(false)
                : null;
            foreach (var claim in found)
            {
                var what = $"{claim.Chain} {claim.Address}: counted by {publisherA} (epoch {a.Epoch}) and {publisherB} (epoch {b.Epoch}), signed by the address for both";
                if (claim.Chain.Family != ChainFamily.Evm)
                {
                    context.Output.WriteLine($"DOUBLE CLAIM (checked off chain: ed25519 has no EVM precompile): {what}");
                }
                else if (sender is null)
                {
                    context.Output.WriteLine($"DOUBLE CLAIM (not sent: give --key-file to prove it on the registry): {what}");
                }
                else
                {
                    var client = new SolvencyRegistryClient(sender, address, sender.TransactionManager.Account.Address);
                    var receipt = await client.ChallengeAsync(
                        new DoubleClaimSide(publisherA, a.Epoch, claim.ProofA, claim.SignatureA),
                        new DoubleClaimSide(publisherB, b.Epoch, claim.ProofB, claim.SignatureB),
                        claim.Chain.ToString(), claim.Address).ConfigureAwait(false);
                    context.Output.WriteLine($"DOUBLE CLAIM proven on the registry in {receipt.TransactionHash}: {what}");
                }
            }
            if (found.Count == 0)
            {
                context.Output.WriteLine("no double claim: no reserve address is counted by both with its own signature");
            }
            return found.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }

    /// <summary>
    /// Refuses evidence that is not what its publisher published: the claims root and the institution the
    /// registry holds for that publisher's epoch.
    /// </summary>
    /// <exception cref="InputException">Another root or institution, naming <paramref name="option"/>.</exception>
    public static async Task RequirePublishedAsync(SolvencyRegistryClient registry, ReservesReport report, string publisher, string option)
    {
        var root = "0x" + Convert.ToHexStringLower(await registry.ClaimsRootOfAsync(publisher, report.Epoch).ConfigureAwait(false));
        var institution = (await registry.WindowOfAsync(publisher).ConfigureAwait(false))?.Institution;
        if (root != report.ClaimsRoot || institution != report.Institution)
        {
            throw new InputException($"the registry holds claims root {root} for {publisher}'s epoch {report.Epoch} and institution '{institution}'; the evidence has {report.ClaimsRoot} and '{report.Institution}'", field: option);
        }
    }
}
