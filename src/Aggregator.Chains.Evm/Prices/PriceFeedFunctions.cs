using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Aggregator.Chains.Evm.Prices;

/// <summary>AggregatorV3Interface's latestRoundData(): (roundId, answer, startedAt, updatedAt, answeredInRound).</summary>
[Function("latestRoundData")]
internal sealed class LatestRoundDataFunction : FunctionMessage;

[FunctionOutput]
internal sealed class LatestRoundDataOutput : IFunctionOutputDTO
{
    [Parameter("uint80", "roundId", 1)]
    public System.Numerics.BigInteger RoundId { get; set; }

    [Parameter("int256", "answer", 2)]
    public System.Numerics.BigInteger Answer { get; set; }

    [Parameter("uint256", "startedAt", 3)]
    public System.Numerics.BigInteger StartedAt { get; set; }

    [Parameter("uint256", "updatedAt", 4)]
    public System.Numerics.BigInteger UpdatedAt { get; set; }

    [Parameter("uint80", "answeredInRound", 5)]
    public System.Numerics.BigInteger AnsweredInRound { get; set; }
}
