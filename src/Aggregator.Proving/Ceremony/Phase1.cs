namespace Aggregator.Proving.Ceremony;

/// <summary>
/// The public phase-1 files (powers of tau) production keys may be made from, by SHA-256. Phase 2 over a
/// phase 1 someone ran alone protects nothing: whoever knows its τ forges proofs whatever phase 2 did.
/// </summary>
public static class Phase1
{
    private static readonly Dictionary<string, string> Pinned = new(StringComparer.Ordinal)
    {
        // The Hermez (Polygon) powers of tau, 54 contributions and a beacon, truncated to 2^15 points:
        // powersOfTau28_hez_final_15.ptau, 37,831,832 bytes (the snarkjs README publishes its blake2b-512,
        // 982372c8…969ae6e). Fits both circuits: inclusion(20, 4) has 20,414 constraints.
        ["3ef2ecc5b75d687048cf2d59195119b42fb07c5af639c5f283d84bfa69829e7f"] = "Hermez powers of tau, powersOfTau28_hez_final_15.ptau (2^15)",
    };

    /// <summary>The pinned phase-1 files: SHA-256 (lower-case hex) to what the file is.</summary>
    public static IReadOnlyDictionary<string, string> Files => Pinned;
}
