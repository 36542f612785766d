namespace Aggregator.Proving.Ceremony;

/// <summary>
/// Whether the pinned keys came from a ceremony that meets <see cref="CeremonyRules"/>: each circuit's
/// transcript is installed beside its verification key as <c>&lt;circuit&gt;.ceremony.json</c>
/// (circuits/keys/, copied next to the program), ends with exactly the pinned key, and passes the rules.
/// Keys without one come from a setup one party ran (circuits/scripts/setup.sh) and prove nothing to anyone else.
/// </summary>
public static class KeySecurity
{
    public const string TranscriptSuffix = ".ceremony.json";

    /// <summary>What every command that proves, verifies or publishes prints while the keys are insecure.</summary>
    public const string Warning =
        "warning: these keys do not come from a ceremony that meets the rules (docs/proofs.md, \"Keys from a ceremony\"): whoever ran their setup could forge proofs; do not rely on them outside development";

    /// <summary>Why the keys in <paramref name="keysDirectory"/> are insecure: empty when they are not.</summary>
    /// <param name="publisher">The publisher they would serve; null leaves out the rule that one contributor is not the publisher.</param>
    public static IReadOnlyList<string> InsecureBecause(string keysDirectory, string? publisher)
    {
        var reasons = new List<string>();
        foreach (var circuit in VerificationKeys.Circuits.Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(keysDirectory, circuit + TranscriptSuffix);
            if (!File.Exists(path))
            {
                reasons.Add($"{circuit}: no ceremony transcript ({path}): the keys come from a setup one party ran");
                continue;
            }
            var transcript = CeremonyTranscript.ReadFile(path);
            if (transcript.Circuit != circuit || transcript.Keys?.VerificationKeySha256 != VerificationKeys.PinnedSha256(circuit))
            {
                reasons.Add($"{circuit}: the ceremony transcript does not end with the pinned verification key ({VerificationKeys.PinnedSha256(circuit)})");
                continue;
            }
            reasons.AddRange(CeremonyRules.InsecureBecause(transcript, publisher, Phase1.Files).Select(r => $"{circuit}: {r}"));
        }
        return reasons;
    }
}
