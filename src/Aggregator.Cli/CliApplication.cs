using System.CommandLine;
using Aggregator.Cli.Commands;
using Aggregator.Core.Errors;

namespace Aggregator.Cli;

/// <summary>The <c>aggregator</c> command: verbs, parsing, and the mapping of failures to exit codes.</summary>
public static class CliApplication
{
    /// <summary>Runs the command line; <paramref name="interactive"/> turns on progress display.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive)
    {
        var context = new CliContext(output, error, interactive);
        var root = new RootCommand("Aggregator: cross-chain collateral, margin, and zero-knowledge proofs of solvency.");
        root.Subcommands.Add(CommitCommand.Create(context));
        root.Subcommands.Add(ProveCommand.Create(context));
        root.Subcommands.Add(VerifyCommand.Create(context));
        root.Subcommands.Add(PublishCommand.Create(context));
        root.Subcommands.Add(ReservesCommand.Create(context));
        root.Subcommands.Add(MarginCommand.Create(context));

        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parseResult.Errors.Count > 0 && parseResult.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var parseError in parseResult.Errors)
            {
                error.WriteLine($"error: {parseError.Message}");
            }
            error.WriteLine($"Run '{string.Join(' ', ["aggregator", .. CommandPath(parseResult)])} --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            return parseResult.Invoke(configuration);
        }
        catch (InputException failure)
        {
            error.WriteLine($"error: {failure.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {failure.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception failure) when (failure is Aggregator.Chains.Evm.Balances.ChainReadFailedException or Aggregator.Chains.Solana.Balances.SolanaReadFailedException)
        {
            error.WriteLine($"error: {failure.Message}");
            return ExitCodes.CheckFailed;
        }
        catch (Exception failure) when (failure is Aggregator.Chains.Evm.Balances.ChainMismatchException or Aggregator.Chains.Solana.Balances.MintMismatchException)
        {
            error.WriteLine($"error: {failure.Message}");
            return ExitCodes.BadInput;
        }
        catch (Aggregator.Proofs.Circuits.ProverUnavailableException failure)
        {
            error.WriteLine($"error: {failure.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCodes.InternalError;
        }
    }

    private static List<string> CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }
        return names;
    }
}
