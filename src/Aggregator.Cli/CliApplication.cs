using System.CommandLine;
using Aggregator.Cli.Commands;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Proving;

namespace Aggregator.Cli;

/// <summary>The <c>aggregator</c> command: verbs, parsing, and the mapping of failures to exit codes.</summary>
public static class CliApplication
{
    /// <summary>Runs the command line; <paramref name="interactive"/> turns on progress display.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive)
    {
        var context = new CliContext(output, error, interactive);
        var verbose = new Option<bool>("--verbose") { Description = "On an internal error, print the stack trace too", Recursive = true };
        var root = new RootCommand("Aggregator: cross-chain collateral, margin, and zero-knowledge proofs of solvency.") { verbose };
        root.Subcommands.Add(CommitCommand.Create(context));
        root.Subcommands.Add(ProveCommand.Create(context));
        root.Subcommands.Add(VerifyCommand.Create(context));
        root.Subcommands.Add(AttestCommand.Create(context));
        root.Subcommands.Add(PublishCommand.Create(context));
        root.Subcommands.Add(RegistryCommand.Create(context));
        root.Subcommands.Add(ChallengeCommand.Create(context));
        root.Subcommands.Add(DisputeCommand.Create(context));
        root.Subcommands.Add(AuditorCommand.Create(context));
        root.Subcommands.Add(CustodianCommand.Create(context));
        root.Subcommands.Add(CeremonyCommand.Create(context));
        root.Subcommands.Add(ReservesCommand.Create(context));
        root.Subcommands.Add(MarginCommand.Create(context));
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(LedgerCommand.Create(context));
        root.Subcommands.Add(RiskCommand.Create(context));
        root.Subcommands.Add(EpochCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(CredentialsCommand.Create(context));
        root.Subcommands.Add(FeedCommand.Create(context));
        root.Subcommands.Add(VerifierPageCommand.Create(context));

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
        catch (Exception failure)
        {
            var (exit, line) = Describe(failure);
            error.WriteLine(line);
            if (exit == ExitCodes.InternalError && parseResult.GetValue(verbose))
            {
                error.WriteLine(failure.ToString());
            }
            return exit;
        }
    }

    /// <summary>The one place a failure becomes an exit code and one line; only an internal error may add a stack trace (with --verbose).</summary>
    private static (int Exit, string Line) Describe(Exception failure) => failure switch
    {
        InputException or IOException or UnauthorizedAccessException or ProverUnavailableException => (ExitCodes.BadInput, $"error: {failure.Message}"),
        ChainReadFailedException or Reserves.Windows.WindowNotReadyException or Chains.Evm.Registry.RegistryRejectedException or Commands.BusPublishFailedException => (ExitCodes.CheckFailed, $"error: {failure.Message}"),
        // Only the epoch verbs ask the running services, and only the prover role answers them.
        MassTransit.RequestTimeoutException => (ExitCodes.CheckFailed, "error: no answer within --timeout: is a prover role running on this bus? (a request made while none listens is not kept)"),
        OperationCanceledException => (ExitCodes.InternalError, "cancelled"),
        _ => (ExitCodes.InternalError, $"internal error: {failure.GetType().Name}: {FirstLine(failure.Message)} (run with --verbose for the stack trace)"),
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r');

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
