using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>What the registry stores for a publisher's epoch: the commitment and its paramsHash.</summary>
[FunctionOutput]
public sealed class StoredCommitment : IFunctionOutputDTO
{
    [Parameter("uint256", "commitment", 1)]
    public BigInteger Commitment { get; set; }

    [Parameter("uint256", "paramsHash", 2)]
    public BigInteger ParamsHash { get; set; }
}
