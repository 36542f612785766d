namespace Aggregator.Proving.Ceremony;

/// <summary>
/// When keys from a ceremony are secure enough to publish with (docs/proofs.md, "Keys from a ceremony"):
/// a pinned public phase 1, at least two contributions besides the beacon, each signed by its
/// contributor, from distinct keys, at least one of them not the publisher's, and the beacon applied last.
/// These read the transcript only; that each contribution is really in the keys is
/// the ceremony's verification (`aggregator ceremony verify`).
/// </summary>
public static class CeremonyRules
{
    /// <summary>Why the keys are insecure: empty when they are not.</summary>
    /// <param name="publisher">The publisher the keys would serve (null: that rule is reported as not checked).</param>
    /// <param name="pinnedPhase1">The phase-1 files accepted, by SHA-256 (<see cref="Phase1.Files"/> in production).</param>
    public static IReadOnlyList<string> InsecureBecause(CeremonyTranscript transcript, string? publisher, IReadOnlyDictionary<string, string> pinnedPhase1)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(pinnedPhase1);
        var reasons = new List<string>();
        if (!pinnedPhase1.ContainsKey(transcript.Phase1.Sha256))
        {
            reasons.Add($"phase 1 ({transcript.Phase1.Source}, sha256 {transcript.Phase1.Sha256}) is not a pinned public powers of tau: whoever made it can forge proofs whatever phase 2 did");
        }
        var signed = transcript.Contributions.Select((c, i) => (c, i)).Where(x => x.c.IsSignedBySigner(transcript, x.i + 1)).Select(x => x.c).ToList();
        if (signed.Count < transcript.Contributions.Count)
        {
            reasons.Add($"{transcript.Contributions.Count - signed.Count} contribution(s) are not signed by the key they name");
        }
        var signers = signed.Select(c => c.Signer.ToLowerInvariant()).Distinct().ToList();
        if (signers.Count < 2)
        {
            reasons.Add($"{signers.Count} contributor key(s) signed contributions: at least two distinct ones are needed besides the beacon");
        }
        if (publisher is not null && signers.All(s => string.Equals(s, publisher, StringComparison.OrdinalIgnoreCase)))
        {
            reasons.Add($"no contribution is signed by a key other than the publisher's ({publisher}): the publisher alone could know the toxic waste");
        }
        if (transcript.Beacon is null)
        {
            reasons.Add("no beacon was applied (`aggregator ceremony finalize`)");
        }
        return reasons;
    }
}
