using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Aggregator.Chains.Evm.Balances;

/// <summary>Compound v3's Comet.borrowBalanceOf(address): what the account owes in the market's base asset.</summary>
[Function("borrowBalanceOf", "uint256")]
internal sealed class BorrowBalanceOfFunction : FunctionMessage
{
    [Parameter("address", "account", 1)]
    public string Account { get; set; } = "";
}
