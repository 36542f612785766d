namespace Aggregator.Messages;

/// <summary>
/// The institution's reserves counted for an epoch, at the blocks of <paramref name="Heights"/>: per asset
/// in base units, only addresses whose ownership signature verified; <paramref name="Problems"/> names
/// what was not counted and why. The evidence is the epoch directory's reserves.json.
/// </summary>
public sealed record ReservesObserved(ulong Epoch, IReadOnlyList<AppliedBlock> Heights, IReadOnlyList<ReserveTotal> Totals, IReadOnlyList<string> Problems);
