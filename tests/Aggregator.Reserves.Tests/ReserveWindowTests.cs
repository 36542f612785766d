using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Reserves.Windows;

namespace Aggregator.Reserves.Tests;

/// <summary>The window's draws, held to another implementation, and its bounds.</summary>
public sealed class ReserveWindowTests
{
    private static readonly byte[] Seed = Convert.FromHexString(string.Concat(Enumerable.Repeat("ab", 32)));

    // From ethers 5 (circuits/node_modules): start + uint256(keccak256(abi.encode(bytes32 seed,
    // bytes32 keccak256(utf8("eip155:1")), uint256 i))) % (end - start), for the window [1700000000, 1700003600).
    [Theory]
    [InlineData(0, 1_700_000_059UL)]
    [InlineData(1, 1_700_000_011UL)]
    [InlineData(7, 1_700_001_068UL)]
    public void A_draw_targets_the_time_ethers_computes(int index, ulong expected) =>
        Assert.Equal(expected, ReserveWindow.Ending(1_700_003_600, 3_600, 8).Target(Seed, ChainId.Evm(1), index));

    [Fact]
    public void Each_chain_and_each_draw_targets_its_own_time_inside_the_window()
    {
        var window = ReserveWindow.Ending(1_700_003_600, 3_600, 8);
        var times = Enumerable.Range(0, 64).Select(i => window.Target(Seed, ChainId.Evm(1), i)).ToArray();
        Assert.All(times, t => Assert.InRange(t, window.Start, window.End - 1));
        Assert.True(times.Distinct().Count() > 50);
        Assert.NotEqual(window.Target(Seed, ChainId.Evm(1), 0), window.Target(Seed, ChainId.Evm(10), 0));
    }

    // The liabilities' draw is the seed, read as a big-endian uint256, mod the samples (Python's int(hex, 16) % k).
    [Theory]
    [InlineData(8, 3)]
    [InlineData(5, 2)]
    [InlineData(7, 1)]
    [InlineData(1, 0)]
    public void The_liabilities_draw_is_the_seed_mod_the_samples(int samples, int expected) =>
        Assert.Equal(expected, ReserveWindow.Ending(1_700_003_600, 3_600, samples).LiabilitiesDraw(Seed));

    [Theory]
    [InlineData(0UL, 8)]
    [InlineData(3_600UL, 0)]
    [InlineData(3_600UL, 65)]
    [InlineData(1_700_003_601UL, 8)]
    public void A_window_that_cannot_be_sampled_is_refused(ulong length, int samples) =>
        Assert.Throws<InputException>(() => ReserveWindow.Ending(1_700_003_600, length, samples));

    [Fact]
    public void A_seed_is_the_prevrandao_of_its_block_as_32_bytes()
    {
        var block = new Aggregator.Chains.Evm.Blocks.BlockStamp(7, "0x01", 100, "0x" + new string('0', 62) + "2a");
        Assert.Equal(42, ReserveWindow.SeedOf(block)[31]);
        Assert.Throws<InputException>(() => ReserveWindow.SeedOf(block with { MixHash = "0x2a" }));
    }
}
