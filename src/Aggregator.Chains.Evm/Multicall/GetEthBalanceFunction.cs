using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Aggregator.Chains.Evm.Multicall;

/// <summary>Multicall3's getEthBalance(address): the native balance, callable inside aggregate3 (Nethereum has no message for it).</summary>
[Function("getEthBalance", "uint256")]
internal sealed class GetEthBalanceFunction : FunctionMessage
{
    [Parameter("address", "addr", 1)]
    public string Account { get; set; } = "";
}
