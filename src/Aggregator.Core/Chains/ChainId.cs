namespace Aggregator.Core.Chains;

/// <summary>
/// A chain named the CAIP-2 way, "namespace:reference": "eip155:1" (Ethereum mainnet), "eip155:31337"
/// (a local node), "solana:mainnet". The reference is 1..32 characters of [A-Za-z0-9_-].
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Aggregator.Core.Json.ChainIdJsonConverter))]
public readonly record struct ChainId
{
    /// <summary>Creates a chain id, validating the reference.</summary>
    public ChainId(ChainFamily family, string reference)
    {
        if (!IsValidReference(reference))
        {
            throw new FormatException($"'{reference}' is not a CAIP-2 chain reference (1..32 of A-Z, a-z, 0-9, '-', '_')");
        }
        if (family == ChainFamily.Evm && !ulong.TryParse(reference, out _))
        {
            throw new FormatException($"'{reference}' is not an EVM chain id (a decimal number)");
        }
        Family = family;
        Reference = reference;
    }

    /// <summary>Whether <paramref name="reference"/> is a CAIP-2 reference: 1..32 of A-Z, a-z, 0-9, '-', '_'.</summary>
    public static bool IsValidReference(string? reference) =>
        !string.IsNullOrEmpty(reference) && reference.Length <= 32 && reference.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The chain family.</summary>
    public ChainFamily Family { get; }

    /// <summary>The CAIP-2 reference within the family.</summary>
    public string Reference { get; }

    /// <summary>An EVM chain by its numeric chain id.</summary>
    public static ChainId Evm(ulong chainId) => new(ChainFamily.Evm, chainId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Parses "eip155:1", "solana:mainnet", "bip122:000000000019d6689c085ae165831e93".</summary>
    /// <exception cref="FormatException">Not a CAIP-2 id of a known family.</exception>
    public static ChainId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var family = colon < 0 ? null : text[..colon] switch
        {
            "eip155" => ChainFamily.Evm,
            "solana" => ChainFamily.Solana,
            "bip122" => (ChainFamily?)ChainFamily.Bitcoin,
            _ => null,
        };
        return family is { } known
            ? new ChainId(known, text[(colon + 1)..])
            : throw new FormatException($"'{text}' is not a chain id such as eip155:1 or solana:mainnet");
    }

    /// <summary>The CAIP-2 namespace of <see cref="Family"/>.</summary>
    public string Namespace => Family switch
    {
        ChainFamily.Evm => "eip155",
        ChainFamily.Solana => "solana",
        _ => "bip122",
    };

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}:{Reference}";
}
