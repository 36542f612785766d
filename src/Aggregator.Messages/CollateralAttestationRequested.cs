namespace Aggregator.Messages;

/// <summary>
/// A request (answered on the bus) for one account's collateral attestation in a published epoch, its
/// terms in the circuit's units (docs/proofs.md, "Collateral attestations"): per asset of the epoch's
/// layout a price (× 10^8) and a weight (10000 minus the haircut in basis points), the threshold (× 10^8),
/// and the subject and scope as field elements in decimal.
/// </summary>
public sealed record CollateralAttestationRequested(
    ulong Epoch, string Account, IReadOnlyList<ulong> Prices, IReadOnlyList<uint> Weights, ulong Threshold, string Subject, string Scope);
