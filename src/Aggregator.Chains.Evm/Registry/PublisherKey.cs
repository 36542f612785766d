using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>The publisher's key, read from its file, and a Web3 that signs with it on the chain its node reports.</summary>
public static class PublisherKey
{
    /// <summary>The private key in <paramref name="keyFile"/>, hex without 0x.</summary>
    /// <exception cref="InputException">A missing file, or one that does not hold a 32-byte key in hex.</exception>
    public static string ReadKey(string keyFile)
    {
        if (!File.Exists(keyFile))
        {
            throw new InputException("the key file does not exist", file: keyFile);
        }
        var key = File.ReadAllText(keyFile).Trim();
        var hex = key.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? key[2..] : key;
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            // Never echo the file's content: it is a private key.
            throw new InputException("the key file must hold a 32-byte private key in hex", file: keyFile);
        }
        return hex;
    }

    /// <summary>A signing Web3 for the key in <paramref name="keyFile"/>, on the chain the node reports.</summary>
    /// <param name="rpcField">Where the URL came from, for errors (the URL itself is never printed: it may carry credentials).</param>
    /// <exception cref="InputException">A missing or malformed key file, or a URL that is not http(s).</exception>
    /// <exception cref="ChainReadFailedException">The node did not answer.</exception>
    public static async Task<Web3> ConnectAsync(string rpc, string keyFile, string rpcField, CancellationToken cancellationToken = default)
    {
        var hex = ReadKey(keyFile);
        if (!Uri.TryCreate(rpc, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InputException("not an http(s) URL", field: rpcField);
        }
        Nethereum.Hex.HexTypes.HexBigInteger chainId;
        try
        {
            chainId = await new Web3(rpc).Eth.ChainId.SendRequestAsync().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpRequestException or TimeoutException or Nethereum.JsonRpc.Client.RpcClientUnknownException or Nethereum.JsonRpc.Client.RpcClientTimeoutException or Nethereum.JsonRpc.Client.RpcResponseException)
        {
            throw new ChainReadFailedException($"the node given by {rpcField} did not answer eth_chainId: {error.Message}", error);
        }
        return new Web3(new Account(hex, chainId.Value), rpc);
    }
}
