namespace Aggregator.Messages;

/// <summary>
/// No attestation: the epoch is not published here, the account is not in it (one answer for both), the
/// terms do not fit the epoch's layout, or the account falls short (<paramref name="Shortfall"/> true; the
/// reason is then for the account's own eyes).
/// </summary>
public sealed record CollateralAttestationRefused(ulong Epoch, bool Shortfall, string Reason);
