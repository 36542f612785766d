using Aggregator.Proving;

namespace Aggregator.Cli;

/// <summary>Where a command writes, and whether a person is watching (progress display).</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error, bool Interactive)
{
    /// <summary>Every command that proves, verifies or publishes says so while the pinned keys are insecure.</summary>
    public void WarnIfKeysInsecure()
    {
        if (Proving.Ceremony.KeySecurity.InsecureBecause(VerificationKeys.Installed().Directory, publisher: null).Count > 0)
        {
            Error.WriteLine(Proving.Ceremony.KeySecurity.Warning);
        }
    }
}
