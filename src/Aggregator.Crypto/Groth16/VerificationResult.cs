namespace Aggregator.Crypto.Groth16;

/// <summary>Whether a proof verified and, if not, why.</summary>
public sealed record VerificationResult(bool IsValid, string Reason)
{
    public static VerificationResult Valid { get; } = new(true, "valid");

    public static VerificationResult Invalid(string reason) => new(false, reason);
}
