using System.CommandLine;
using Aggregator.Commitment;
using Aggregator.Core.Files;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator epoch close|inclusion</c>: ask the running prover to close an epoch, or for an account's inclusion proof.</summary>
internal static class EpochCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("epoch", "Talk to the running prover role over the bus.");
        command.Subcommands.Add(Close(context));
        command.Subcommands.Add(Inclusion(context));
        return command;
    }

    private static Option<int> TimeoutOption(int seconds) => BusOptions.Timeout(seconds, "the prover's answer");

    private static Command Close(CliContext context)
    {
        var bus = new BusOptions(required: true);
        var epoch = new Option<ulong?>("--epoch") { Description = "The epoch: a unix time in seconds, strictly increasing, not in the future (default: now)" };
        var timeout = TimeoutOption(600);
        var command = new Command("close", "Close an epoch: liabilities from every engine partition and reserves at one block per chain, commitment, solvency proof, publication. Prints the commitment.")
        {
            epoch, timeout,
        };
        foreach (var option in bus.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var now = DateTimeOffset.UtcNow;
            var number = parseResult.GetValue(epoch) ?? (ulong)now.ToUnixTimeSeconds();
            return await BusClient.RunAsync(bus.Parse(parseResult), async services =>
            {
                var client = services.GetRequiredService<IClientFactory>().CreateRequestClient<EpochCloseRequested>(RequestTimeout.After(s: parseResult.GetValue(timeout)));
                var response = await client.GetResponse<EpochClosed, EpochCloseFailed>(new EpochCloseRequested(number, now), cancellationToken).ConfigureAwait(false);
                if (response.Is(out Response<EpochClosed>? closed))
                {
                    context.Output.WriteLine(closed.Message.Commitment);
                    context.Output.WriteLine($"epoch {number} closed at {string.Join(", ", closed.Message.Heights.Select(h => $"{h.Chain}@{h.Height}"))}; manifest {closed.Message.ManifestLocation}; {(closed.Message.RegistryTransaction is { } tx ? $"published in {tx}" : "not published (no registry configured)")}");
                    return ExitCodes.Success;
                }
                response.Is(out Response<EpochCloseFailed>? failed);
                context.Error.WriteLine($"epoch {number} not closed: {failed!.Message.Reason}");
                return ExitCodes.CheckFailed;
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Inclusion(CliContext context)
    {
        var bus = new BusOptions(required: true);
        var epoch = new Option<ulong>("--epoch") { Description = "The closed epoch", Required = true };
        var account = new Option<string>("--account") { Description = "The account id", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the account's proof file", Required = true };
        var timeout = TimeoutOption(120);
        var command = new Command("inclusion", "Ask the prover for one account's inclusion proof in a closed epoch; writes the file handed to that account.")
        {
            epoch, account, output, timeout,
        };
        foreach (var option in bus.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(output)!;
            return await BusClient.RunAsync(bus.Parse(parseResult), async services =>
            {
                var client = services.GetRequiredService<IClientFactory>().CreateRequestClient<InclusionProofRequested>(RequestTimeout.After(s: parseResult.GetValue(timeout)));
                var response = await client.GetResponse<InclusionProofIssued, InclusionProofRefused>(
                    new InclusionProofRequested(parseResult.GetValue(epoch), parseResult.GetValue(account)!), cancellationToken).ConfigureAwait(false);
                if (response.Is(out Response<InclusionProofIssued>? issued))
                {
                    SafeFile.WriteAtomically(path, issued.Message.Document, ownerOnly: true);
                    context.Output.WriteLine($"inclusion proof for '{issued.Message.Account}' in epoch {issued.Message.Epoch} written to {path}");
                    return ExitCodes.Success;
                }
                response.Is(out Response<InclusionProofRefused>? refused);
                context.Error.WriteLine($"no inclusion proof: {refused!.Message.Reason}");
                return ExitCodes.CheckFailed;
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
