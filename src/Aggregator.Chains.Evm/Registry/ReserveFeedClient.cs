using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3;

namespace Aggregator.Chains.Evm.Registry;

/// <summary>
/// A ProofOfReserveFeed (contracts/src/ProofOfReserveFeed.sol): Chainlink's AggregatorV3Interface over one
/// publisher's proven reserves of one asset in a SolvencyRegistry, bound to one asset layout (paramsHash).
/// </summary>
public sealed class ReserveFeedClient
{
    private static readonly Lazy<(string Abi, string Bytecode)> Artifact = new(() => ContractArtifact.Embedded("ProofOfReserveFeed"));

    private readonly Contract _contract;

    public ReserveFeedClient(IWeb3 web3, string feedAddress)
    {
        ArgumentNullException.ThrowIfNull(web3);
        _contract = web3.Eth.GetContract(Artifact.Value.Abi, feedAddress);
    }

    /// <summary>
    /// What binds a feed: the registry, the publisher, the layout's paramsHash, the asset's position and
    /// proof decimals in it, the feed's decimals, and what it answers (a coverage feed has 4 decimals).
    /// </summary>
    public sealed record Binding(
        string Registry, string Publisher, BigInteger ParamsHash, int AssetIndex, int ProofDecimals, int Decimals, string Description, FeedMeasure Measure = FeedMeasure.Reserves);

    /// <summary>The decimals of a coverage feed: basis points, 10500 being 1.05.</summary>
    public const int CoverageDecimals = 4;

    /// <summary>Deploys a feed from the web3's account; returns its address.</summary>
    public static async Task<string> DeployAsync(IWeb3 web3, Binding binding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(binding);
        var receipt = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(
            Artifact.Value.Abi, Artifact.Value.Bytecode, web3.TransactionManager.Account.Address, ContractArtifact.DeployGas, cancellationToken,
            binding.Registry, binding.Publisher, binding.ParamsHash, (byte)binding.AssetIndex, (byte)binding.ProofDecimals, (byte)binding.Decimals, (byte)binding.Measure,
            binding.Description).ConfigureAwait(false);
        if (receipt.Status?.Value != 1 || string.IsNullOrEmpty(receipt.ContractAddress))
        {
            throw new RegistryRejectedException($"the feed's deployment transaction {receipt.TransactionHash} failed");
        }
        return receipt.ContractAddress;
    }

    public Task<FeedRound> LatestRoundAsync() => _contract.GetFunction("latestRoundData").CallDeserializingToObjectAsync<FeedRound>();

    /// <summary>A past round (reverts with NoDataPresent for a round never published).</summary>
    public Task<FeedRound> RoundAsync(ulong roundId) => _contract.GetFunction("getRoundData").CallDeserializingToObjectAsync<FeedRound>(roundId);

    public Task<byte> DecimalsAsync() => _contract.GetFunction("decimals").CallAsync<byte>();

    public Task<string> DescriptionAsync() => _contract.GetFunction("description").CallAsync<string>();

    /// <summary>Gas a call of latestRoundData uses (eth_estimateGas of the view).</summary>
    public async Task<BigInteger> LatestRoundGasAsync() => (await _contract.GetFunction("latestRoundData").EstimateGasAsync().ConfigureAwait(false)).Value;
}

/// <summary>What a feed answers: the asset's proven reserves, or the coverage ratio proven for it (constant between the publisher's changes).</summary>
public enum FeedMeasure
{
    Reserves = 0,
    Coverage = 1,
}

/// <summary>A round as AggregatorV3Interface answers it.</summary>
[FunctionOutput]
public sealed class FeedRound : IFunctionOutputDTO
{
    [Parameter("uint80", "roundId", 1)]
    public BigInteger RoundId { get; set; }

    [Parameter("int256", "answer", 2)]
    public BigInteger Answer { get; set; }

    [Parameter("uint256", "startedAt", 3)]
    public BigInteger StartedAt { get; set; }

    [Parameter("uint256", "updatedAt", 4)]
    public BigInteger UpdatedAt { get; set; }

    [Parameter("uint80", "answeredInRound", 5)]
    public BigInteger AnsweredInRound { get; set; }
}
