using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Aggregator.Chains.Evm.Multicall;

/// <summary>Multicall3's aggregate3: calls that may fail one by one.</summary>
[Function("aggregate3", typeof(Aggregate3Output))]
public sealed class Aggregate3Function : FunctionMessage
{
    [Parameter("tuple[]", "calls", 1)]
    public List<Call3> Calls { get; set; } = [];
}

public sealed class Call3
{
    [Parameter("address", "target", 1)]
    public string Target { get; set; } = "";

    [Parameter("bool", "allowFailure", 2)]
    public bool AllowFailure { get; set; }

    [Parameter("bytes", "callData", 3)]
    public byte[] CallData { get; set; } = [];
}

[FunctionOutput]
public sealed class Aggregate3Output : IFunctionOutputDTO
{
    [Parameter("tuple[]", "returnData", 1)]
    public List<Call3Result> ReturnData { get; set; } = [];
}

public sealed class Call3Result
{
    [Parameter("bool", "success", 1)]
    public bool Success { get; set; }

    [Parameter("bytes", "returnData", 2)]
    public byte[] ReturnData { get; set; } = [];
}

/// <summary>Multicall3's getEthBalance(address): the native balance, callable inside aggregate3.</summary>
[Function("getEthBalance", "uint256")]
public sealed class GetEthBalanceFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";
}

/// <summary>ERC-20 balanceOf(address).</summary>
[Function("balanceOf", "uint256")]
public sealed class BalanceOfFunction : FunctionMessage
{
    [Parameter("address", "owner", 1)]
    public string Owner { get; set; } = "";
}

/// <summary>Decodes a uint256 return value.</summary>
internal static class Uint256
{
    public static BigInteger? Decode(byte[] data) =>
        data.Length == 32 ? new BigInteger(data, isUnsigned: true, isBigEndian: true) : null;
}
