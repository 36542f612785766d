using System.CommandLine;
using Aggregator.Api.Verifier;

namespace Aggregator.Cli.Commands;

/// <summary><c>aggregator verifier-page</c>: the verifier page as one self-contained file.</summary>
internal static class VerifierPageCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Where to write the page (e.g. verify.html)", Required = true };
        var command = new Command("verifier-page", "Write the verifier page as one self-contained HTML file: it works from file:// with no network (unless given a JSON-RPC URL), and checks inclusion files and solvency proofs against the keys pinned into it.")
        {
            output,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(output)!;
            VerifierPage.Write(path);
            context.Output.WriteLine($"verifier page written to {path}");
            return ExitCodes.Success;
        });
        return command;
    }
}
