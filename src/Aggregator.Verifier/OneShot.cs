using System.CommandLine;
using Aggregator.Core.Errors;
using Aggregator.Proving;

namespace Aggregator.OneShot;

/// <summary>
/// How the ahead-of-time commands (<c>aggregator-verify</c>, <c>aggregator-prove</c>) run: parse errors
/// and bad input are one line on stderr and exit 2, anything else exit 3; the exit codes are
/// <c>aggregator</c>'s. Compiled into each of them (a linked source file: the two share no assembly but
/// Proving).
/// </summary>
internal static class OneShotCommand
{
    public const int Success = 0;
    public const int CheckFailed = 1;
    public const int BadInput = 2;
    public const int InternalError = 3;

    public static int Run(RootCommand root, string name, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(error);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var parseError in parseResult.Errors)
            {
                error.WriteLine($"error: {parseError.Message}");
            }
            error.WriteLine($"Run '{name} --help' for usage.");
            return BadInput;
        }
        try
        {
            return parseResult.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception failure) when (failure is InputException or IOException or UnauthorizedAccessException or ProverUnavailableException)
        {
            error.WriteLine($"error: {failure.Message}");
            return BadInput;
        }
        catch (Exception failure)
        {
            error.WriteLine($"internal error: {failure.GetType().Name}: {failure.Message}");
            return InternalError;
        }
    }
}
