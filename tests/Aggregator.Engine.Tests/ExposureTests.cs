using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Engine.Risk;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>
/// The institution's net exposure and its hedges (docs/margin.md, "Hedging proposals"): each partition
/// reports its totals, the risk role adds the reserves and the desk's positions, and proposes orders by
/// the hedging planner. The figures are the planner's worked example: owing 1,000 ETH, holding 950, at
/// 2,000 with a band of ±50,000: buy 25 ETH by perp, 25 at 5 bp.
/// </summary>
public sealed class ExposureTests : IDisposable
{
    private const string HedgeParams = """ "hedging": { "ETH": { "band": { "min": "-50000", "max": "50000" }, "instrument": "perp", "costBasisPoints": "5" } } """;
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("aggregator-exposure-");

    public void Dispose() => _directory.Delete(recursive: true);

    private RiskSettings Risk() => RiskSettings.From(Settings(0, HedgeParams) with { StateDirectory = _directory.FullName });

    private static ExposureReported Report(int partition, int count, decimal ethHeld, decimal ethLent = 0, DateTimeOffset? at = null, string status = "ok") =>
        new(partition, count, [new AssetExposureTotal(Eth, Wei(ethHeld), Wei(ethLent), 2000m, status)], at ?? At);

    private static Amount Wei(decimal eth) => new(new BigInteger(eth * 1_000_000) * BigInteger.Pow(10, 12), 18);

    private static ReservesObserved Reserves(ulong epoch, decimal eth) => new(epoch, [], [new ReserveTotal(Eth, Wei(eth))], []);

    [Fact]
    public void A_partition_reports_what_its_accounts_hold_and_owe_once_rebuilt_and_two_partitions_add_up_to_one()
    {
        var whole = new EngineBook(Settings(10).CreateBook());
        Assert.Null(whole.Exposure(At)); // nothing applied yet: a half-rebuilt book would report collateral missing
        var partitions = Enumerable.Range(0, 2).Select(i =>
        {
            var partition = new EnginePartition(i, 2);
            var settings = Settings(10);
            return new EngineBook(settings.CreateBook(partition), settings.Accounts.Select(a => a.Id).Where(id => !partition.Owns(id)).ToHashSet(StringComparer.Ordinal), partition);
        }).ToArray();
        foreach (var engine in partitions.Append(whole))
        {
            engine.Apply(Batch(1, "0x1", [.. Enumerable.Range(0, 10).Select(a => (a, (ulong)(a + 1) * OneEth))])); // 55 ETH in all
            for (var a = 0; a < 10; a += 3)
            {
                engine.Apply(new LedgerEntry($"b{a}", $"account-{a}", LedgerEntryKind.Borrow, Usdc, new Amount(1_000_000, 6), At)); // 4 USDC in all
            }
        }
        var eth = whole.Exposure(At)!.Assets.Single(a => a.Asset == Eth);
        Assert.Equal((BigInteger.Pow(10, 18) * 55, BigInteger.Zero, 2000m, "ok"), (eth.Collateral.BaseUnits, eth.Lent.BaseUnits, eth.Price, eth.OracleStatus));
        Assert.Equal(new BigInteger(4_000_000), whole.Exposure(At)!.Assets.Single(a => a.Asset == Usdc).Lent.BaseUnits);
        var reports = partitions.Select(p => p.Exposure(At)!).ToArray();
        Assert.Equal([(0, 2), (1, 2)], reports.Select(r => (r.Partition, r.PartitionCount)));
        foreach (var total in whole.Exposure(At)!.Assets)
        {
            var parts = reports.Select(r => r.Assets.Single(a => a.Asset == total.Asset)).ToArray();
            Assert.Equal(total.Collateral.BaseUnits, parts.Aggregate(BigInteger.Zero, (sum, p) => sum + p.Collateral.BaseUnits));
            Assert.Equal(total.Lent.BaseUnits, parts.Aggregate(BigInteger.Zero, (sum, p) => sum + p.Lent.BaseUnits));
        }
        // The desk's entries are not the engine's: passed over, not refused.
        Assert.False(whole.Apply(new LedgerEntry("d1", "desk", LedgerEntryKind.DeskPerp, Eth, Wei(30), At) { IsShort = true }).Applied);
    }

    [Fact]
    public void Owing_more_than_is_held_proposes_the_order_that_brings_the_net_value_back_to_the_band()
    {
        var book = new ExposureBook(Risk());
        book.SetReserves(Reserves(1, 950));
        Assert.Null(book.Report(Report(0, 2, 600))); // partition 1 not in yet
        var proposal = book.Report(Report(1, 2, 400))!;
        var exposure = Assert.Single(proposal.Exposures);
        Assert.Equal((1000m, 950m, -50m, -100_000m), (exposure.Owed, exposure.Held, exposure.NetUnits, exposure.NetValue));
        var order = Assert.Single(proposal.Orders);
        Assert.Equal((Eth, "perp", "buy", 25m, 2000m, 50_000m, 25m, -50_000m), (order.Asset, order.Instrument, order.Side, order.Size, order.Price, order.Notional, order.Cost, order.NetValueAfter));
        // The same reports again: nothing new to say.
        Assert.Null(book.Report(Report(1, 2, 400)));
    }

    [Fact]
    public void What_accounts_owe_and_the_desk_holds_count_toward_the_exposure_and_each_desk_entry_applies_once()
    {
        var book = new ExposureBook(Risk());
        book.SetReserves(Reserves(1, 950));
        // Accounts owe 10 ETH: a claim on ETH. Net −40 ETH = −80,000: buy 15.
        Assert.Equal(15m, Assert.Single(book.Report(Report(0, 1, 1000, ethLent: 10))!.Orders).Size);
        // The desk buys 20 ETH spot and shorts 5 by perp: net −25 ETH = −50,000, inside the band.
        Assert.True(book.ApplyDesk(new LedgerEntry("d1", "desk", LedgerEntryKind.DeskSpot, Eth, Wei(20), At)));
        Assert.True(book.ApplyDesk(new LedgerEntry("d2", "desk", LedgerEntryKind.DeskPerp, Eth, Wei(5), At) { IsShort = true }));
        Assert.False(book.ApplyDesk(new LedgerEntry("d2", "desk", LedgerEntryKind.DeskPerp, Eth, Wei(50), At))); // applied once
        var proposal = book.Report(Report(0, 1, 1000, ethLent: 10))!;
        Assert.Equal((20m, -5m, -25m), (proposal.Exposures[0].DeskSpot, proposal.Exposures[0].DeskPerp, proposal.Exposures[0].NetUnits));
        Assert.Empty(proposal.Orders);
        // An older epoch's reserves do not replace the newer.
        book.SetReserves(Reserves(0, 10));
        Assert.Null(book.Report(Report(0, 1, 1000, ethLent: 10)));

        var restarted = new ExposureBook(Risk());
        Assert.Equal(proposal.Exposures, restarted.Report(Report(0, 1, 1000, ethLent: 10))!.Exposures); // desk and reserves from disk
        Assert.Contains("not short", Assert.Throws<InputException>(() => restarted.ApplyDesk(new LedgerEntry("d3", "desk", LedgerEntryKind.DeskSpot, Eth, Wei(1), At) { IsShort = true })).Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => restarted.ApplyDesk(new LedgerEntry("d4", "desk", LedgerEntryKind.DeskSpot, Eth, new Amount(1, 6), At)));
        // Beyond the planner's bounds: refused by its entry, so later proposals are not stopped by it.
        Assert.Contains("10^15 units or more", Assert.Throws<InputException>(() => restarted.ApplyDesk(new LedgerEntry("d5", "desk", LedgerEntryKind.DeskPerp, Usdc, new Amount(BigInteger.Pow(10, 21), 6), At))).Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => restarted.ApplyDesk(new LedgerEntry("d6", "desk", LedgerEntryKind.DeskPerp, Eth, new Amount(BigInteger.Pow(10, 40), 18), At)));
    }

    [Fact]
    public void A_desk_state_with_a_section_missing_is_refused_at_start_naming_the_file()
    {
        var path = Path.Combine(_directory.FullName, "desk.json");
        File.WriteAllText(path, """{ "desk": null, "reserves": {}, "applied": [] }""");
        Assert.Equal(path, Assert.Throws<InputException>(() => new ExposureBook(Risk())).File);
    }

    [Fact]
    public void A_stale_partition_or_an_unpriced_asset_proposes_nothing_for_it()
    {
        var book = new ExposureBook(Risk());
        Assert.NotNull(book.Report(Report(0, 2, 500)) ?? book.Report(Report(1, 2, 500)));
        // Partition 0's report is older than three report intervals (30 s): its accounts may have moved.
        Assert.Null(book.Report(Report(1, 2, 400, at: At.AddSeconds(31))));
        // A frozen ETH price: the exposure cannot be valued, so no order is sized on it.
        var frozen = book.Report(Report(0, 2, 500, at: At.AddSeconds(31), status: "frozen"));
        Assert.NotNull(frozen);
        Assert.Empty(frozen.Exposures);
        Assert.Empty(frozen.Orders);
    }
}
