using Aggregator.Core.Assets;
using Aggregator.Crypto.Field;

namespace Aggregator.Commitment;

/// <summary>An asset column of the commitment: its symbol and the decimals of its proof unit.</summary>
public sealed record CommitmentAsset
{
    /// <summary>Proof units are integers below 2^64; more decimals than this would make that range useless.</summary>
    public const int MaxProofDecimals = 18;

    public CommitmentAsset(AssetId id, int proofDecimals)
    {
        if (proofDecimals is < 0 or > MaxProofDecimals)
        {
            throw new ArgumentOutOfRangeException(nameof(proofDecimals), proofDecimals, $"proof decimals must be 0..{MaxProofDecimals}");
        }
        Id = id;
        ProofDecimals = proofDecimals;
    }

    public AssetId Id { get; }

    public int ProofDecimals { get; }

    /// <summary>The symbol's ASCII bytes read as a big-endian integer ("BTC" = 0x425443): at most 16 bytes, so below the field.</summary>
    public Fr Code => Fr.FromBigEndian(System.Text.Encoding.ASCII.GetBytes(Id.Symbol));
}
