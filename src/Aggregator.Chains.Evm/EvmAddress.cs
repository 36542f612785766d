namespace Aggregator.Chains.Evm;

/// <summary>EVM addresses as configuration gives them: "0x" and 20 bytes of hex; mixed case must be a valid EIP-55 checksum.</summary>
public static class EvmAddress
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Whether <paramref name="text"/> is a well-formed address (a mistyped checksummed one is not).</summary>
    public static bool IsValid(string? text)
    {
        if (text is not { Length: 42 } || !text.StartsWith("0x", StringComparison.Ordinal) || text.AsSpan(2).ContainsAnyExcept(HexDigits))
        {
            return false;
        }
        var digits = text.AsSpan(2);
        var mixedCase = digits.ContainsAnyInRange('a', 'f') && digits.ContainsAnyInRange('A', 'F');
        return !mixedCase || Nethereum.Util.AddressUtil.Current.IsChecksumAddress(text);
    }
}
