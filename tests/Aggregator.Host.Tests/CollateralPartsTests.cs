using System.Numerics;
using System.Text.Json;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Core.Observations;
using Aggregator.Engine;
using Aggregator.Host.Bus;
using Aggregator.Messages;

namespace Aggregator.Host.Tests;

/// <summary>A large batch in parts: split, carried, and put back together exactly, whatever the order.</summary>
public class CollateralPartsTests
{
    private static readonly ChainId Chain = ChainId.Parse("eip155:1");

    private static ObservationBatch Batch(ulong height, int balances, string hash = "0xabc") => new(
        Chain, height, hash,
        [.. Enumerable.Range(0, balances).Select(i => new BalanceObservation($"0x{i:x40}", new AssetId(i % 2 == 0 ? "ETH" : "USDC"), new Amount(new BigInteger(i) * 1000, i % 2 == 0 ? 18 : 6)))],
        [new ReadFailure(new AssetId("WBTC"), "0x01", "the call reverted")]);

    [Fact]
    public void A_small_batch_is_one_message_and_a_large_one_parts_of_at_most_the_limit()
    {
        Assert.Single(CollateralObserved.Split(Batch(1, 100), 100));
        var parts = CollateralObserved.Split(Batch(1, 250), 100);
        Assert.Equal([100, 100, 50], parts.Select(p => p.Batch.Balances.Count));
        Assert.All(parts, p => Assert.Equal(3, p.Parts));
        Assert.Equal([0, 1, 2], parts.Select(p => p.Part));
        Assert.Equal([1, 0, 0], parts.Select(p => p.Batch.Failures.Count));
    }

    [Fact]
    public void Parts_in_any_order_with_repeats_give_back_the_batch_once_all_are_in()
    {
        var whole = Batch(7, 1234);
        var parts = CollateralObserved.Split(whole, 100);
        var order = parts.Concat(parts.Take(3)).OrderBy(_ => Random.Shared.Next()).ToList();
        var assembly = new CollateralAssembly();
        var results = order.Select(assembly.Add).ToList();
        var assembled = Assert.Single(results, r => r is not null)!;
        Assert.Same(assembled, results.Last(r => r is not null));
        Assert.Equal(whole.Balances, assembled.Balances);
        Assert.Equal(whole.Failures, assembled.Failures);
        Assert.Equal((whole.Chain, whole.Height, whole.BlockHash), (assembled.Chain, assembled.Height, assembled.BlockHash));
    }

    [Fact]
    public void Parts_travel_through_the_message_serializer()
    {
        var part = CollateralObserved.Split(Batch(3, 30), 10)[1];
        var back = JsonSerializer.Deserialize<CollateralObserved>(JsonSerializer.Serialize(part))!;
        Assert.Equal((1, 3), (back.Part, back.Parts));
        Assert.Equal(part.Batch.Balances, back.Batch.Balances);
    }

    [Fact]
    public void Batches_of_several_heights_are_assembled_side_by_side_and_an_incomplete_one_never_comes_out()
    {
        var assembly = new CollateralAssembly();
        var first = CollateralObserved.Split(Batch(10, 30), 10);
        var second = CollateralObserved.Split(Batch(11, 30, "0xdef"), 10);
        Assert.Null(assembly.Add(first[0]));
        Assert.Null(assembly.Add(second[2]));
        Assert.Null(assembly.Add(second[0]));
        Assert.Equal(11UL, assembly.Add(second[1])!.Height);
        Assert.Null(assembly.Add(first[1]));
        Assert.Equal(1, assembly.Pending);
    }

    [Fact]
    public void Part_numbers_out_of_range_or_a_part_count_that_disagrees_are_refused()
    {
        var batch = Batch(5, 10);
        var assembly = new CollateralAssembly();
        Assert.Throws<InputException>(() => assembly.Add(new CollateralObserved(batch, 3, 3)));
        Assert.Throws<InputException>(() => assembly.Add(new CollateralObserved(batch, -1, 3)));
        Assert.Throws<InputException>(() => assembly.Add(new CollateralObserved(batch, 0, 0)));
        Assert.Throws<InputException>(() => assembly.Add(new CollateralObserved(batch, 0, CollateralAssembly.MaxParts + 1)));
        Assert.Null(assembly.Add(new CollateralObserved(batch, 0, 3)));
        Assert.Throws<InputException>(() => assembly.Add(new CollateralObserved(batch, 1, 4)));
    }

    [Fact]
    public void Parts_that_never_complete_are_held_within_bounds()
    {
        var assembly = new CollateralAssembly(keptPerChain: 2);
        // One chain, ten heights: only the two highest wait.
        foreach (var height in Enumerable.Range(1, 10))
        {
            Assert.Null(assembly.Add(CollateralObserved.Split(Batch((ulong)height, 20), 10)[0]));
        }
        Assert.Equal(2, assembly.Pending);
        // Made-up chains, one part each: never more than the cap in all.
        foreach (var chain in Enumerable.Range(0, CollateralAssembly.MaxPending * 3))
        {
            var part = CollateralObserved.Split(Batch(1, 20) with { Chain = ChainId.Parse($"eip155:{1000 + chain}") }, 10)[0];
            Assert.Null(assembly.Add(part));
            Assert.True(assembly.Pending <= CollateralAssembly.MaxPending);
        }
        // The newest still completes.
        var last = CollateralObserved.Split(Batch(1, 20) with { Chain = ChainId.Parse($"eip155:{1000 + CollateralAssembly.MaxPending * 3 - 1}") }, 10)[1];
        Assert.NotNull(assembly.Add(last));
    }
}
