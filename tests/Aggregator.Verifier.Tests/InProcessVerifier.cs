namespace Aggregator.Verifier.Tests;

/// <summary>Runs <c>aggregator-verify</c> in process, capturing stdout, stderr and the exit code.</summary>
internal static class InProcessVerifier
{
    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = VerifierApplication.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
