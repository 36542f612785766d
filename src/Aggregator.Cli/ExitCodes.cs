namespace Aggregator.Cli;

/// <summary>The command's exit codes; scripts rely on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The work ran and a check failed (for example an invalid proof).</summary>
    public const int CheckFailed = 1;
    /// <summary>Bad input: options, files, values. One line on stderr says what and where.</summary>
    public const int BadInput = 2;
    /// <summary>A bug or an environment failure that is not the input's fault.</summary>
    public const int InternalError = 3;
    /// <summary>Nothing checked failed, but something that a VALID needs could not be checked (a chain not reachable, a Solana slot not re-readable, no registry read).</summary>
    public const int NotChecked = 4;
}
