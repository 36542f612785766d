using Aggregator.Cli;

namespace Aggregator.Testing;

/// <summary>Runs the command line in-process, capturing stdout, stderr and the exit code.</summary>
public static class CliRunner
{
    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = CliApplication.Run(args, output, error, interactive: false);
        return (exit, output.ToString(), error.ToString());
    }
}
