namespace Aggregator.Cli.Console;

/// <summary>
/// How every verifying verb ends: each check that passed, then INVALID with what failed (exit 1), or
/// INSECURE with why nothing tampered with is still not to be relied on (exit 1), or, when nothing
/// failed but something a VALID needs could not be checked, what and why, never VALID (exit 4), or
/// VALID (exit 0).
/// </summary>
internal static class Verdict
{
    public static int Print(CliContext context, IEnumerable<string> passed, IReadOnlyList<string> failures, IReadOnlyList<string> notChecked, string valid, IReadOnlyList<string>? insecure = null)
    {
        foreach (var check in passed)
        {
            context.Output.WriteLine($"ok: {check}");
        }
        foreach (var open in notChecked)
        {
            context.Output.WriteLine($"NOT CHECKED: {open}");
        }
        foreach (var failure in failures)
        {
            context.Output.WriteLine($"INVALID: {failure}");
        }
        if (failures.Count > 0)
        {
            return ExitCodes.CheckFailed;
        }
        // Nothing tampered with, and still not to be relied on (keys from a setup that does not meet the rules).
        foreach (var reason in insecure ?? [])
        {
            context.Output.WriteLine($"INSECURE: {reason}");
        }
        if (insecure is { Count: > 0 })
        {
            context.Output.WriteLine("INSECURE");
            return ExitCodes.CheckFailed;
        }
        if (notChecked.Count > 0)
        {
            context.Output.WriteLine($"NOT VALIDATED: nothing failed, but {notChecked.Count} of the checks could not be made");
            return ExitCodes.NotChecked;
        }
        context.Output.WriteLine(valid);
        return ExitCodes.Success;
    }
}
