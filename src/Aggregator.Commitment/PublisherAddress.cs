using Aggregator.Crypto.Field;

namespace Aggregator.Commitment;

/// <summary>
/// The institution that publishes an epoch: the EVM address (20 bytes) it publishes from, which the
/// registry sees as msg.sender. Bound into the commitment, so a proof cannot be replayed by another
/// publisher. Kept in lower case; <see cref="ToField"/> reads the 20 bytes as a big-endian integer.
/// </summary>
public readonly record struct PublisherAddress
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private PublisherAddress(string hex) => Hex = hex;

    /// <summary>"0x" and 40 lower-case hex digits.</summary>
    public string Hex { get; }

    /// <summary>Parses "0x" and 40 hex digits (any case; a checksum is the caller's to check).</summary>
    public static bool TryParse(string? text, out PublisherAddress address)
    {
        address = default;
        if (text is not { Length: 42 } || !text.StartsWith("0x", StringComparison.Ordinal) || text.AsSpan(2).ContainsAnyExcept(HexDigits))
        {
            return false;
        }
        address = new PublisherAddress(text.ToLowerInvariant());
        return true;
    }

    /// <exception cref="FormatException">Not "0x" and 40 hex digits.</exception>
    public static PublisherAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an EVM address (0x and 40 hex digits)");

    /// <summary>The address as a field element: its 20 bytes, big-endian (always below 2^160).</summary>
    public Fr ToField() => Fr.FromBigEndian(Convert.FromHexString(Hex.AsSpan(2)));

    public override string ToString() => Hex ?? "";
}
