namespace Aggregator.Messages;

/// <summary>The attestation file (docs/proofs.md, "Collateral attestations") as JSON text: public inputs, proof and epoch, nothing about the account.</summary>
public sealed record CollateralAttestationIssued(ulong Epoch, string Document);
