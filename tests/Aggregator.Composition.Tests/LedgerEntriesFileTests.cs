using Aggregator.Core.Errors;
using Aggregator.Composition.Configuration;
using Aggregator.Messages;
using Aggregator.Testing;

namespace Aggregator.Composition.Tests;

public sealed class LedgerEntriesFileTests : IDisposable
{
    private const string Header = "entryId,account,kind,asset,amount,at\n";
    private readonly string _workspace = Directory.CreateTempSubdirectory("aggregator-ledger-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    private string Write(string csv)
    {
        var path = Path.Combine(_workspace, $"entries-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        return path;
    }

    [Fact]
    public void Entries_are_read_in_base_units_of_the_market_s_decimals()
    {
        var entries = LedgerEntriesFile.Read(Write(Header + "e1,alice,borrow,USDC,1500.25,2026-12-01T10:00:00Z\ne2,alice,Repay,ETH,0.5,2026-12-01T11:00:00+01:00\n"), EngineFixtures.Settings(0).Market);
        Assert.Equal(2, entries.Count);
        Assert.Equal((LedgerEntryKind.Borrow, 1_500_250_000), (entries[0].Kind, (long)entries[0].Amount.BaseUnits));
        Assert.Equal((6, 18), (entries[0].Amount.Decimals, entries[1].Amount.Decimals));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), entries[1].At);
    }

    [Theory]
    [InlineData("e1,alice,lend,USDC,1,2026-12-01T10:00:00Z\n", 2, "column 3 (kind)")]
    [InlineData("e1,alice,borrow,DOGE,1,2026-12-01T10:00:00Z\n", 2, "column 4 (asset)")]
    [InlineData("e1,alice,borrow,USDC,1.0000001,2026-12-01T10:00:00Z\n", 2, "column 5 (amount)")]
    [InlineData("e1,alice,borrow,USDC,-1,2026-12-01T10:00:00Z\n", 2, "column 5 (amount)")]
    [InlineData("e1,alice,borrow,USDC,1,yesterday\n", 2, "column 6 (at)")]
    [InlineData("e1,alice,borrow,USDC,1,2026-12-01T10:00:00Z\ne1,bob,borrow,USDC,1,2026-12-01T10:00:00Z\n", 3, "column 1 (entryId)")]
    [InlineData("e1,alice,borrow,USDC,1\n", 2, "column 1 (entryId)")]
    [InlineData("e1,alice,3,USDC,1,2026-12-01T10:00:00Z\n", 2, "column 3 (kind)")]
    public void A_bad_row_is_refused_naming_its_line_and_column(string rows, int line, string column)
    {
        var path = Write(Header + rows);
        var error = Assert.Throws<InputException>(() => LedgerEntriesFile.Read(path, EngineFixtures.Settings(0).Market));
        Assert.Equal((path, (long?)line), (error.File, error.Line));
        Assert.Equal(column, error.Field);
    }

    private const string SeizedHeader = "entryId,account,kind,asset,amount,at,seizedChain,seizedAsset,seizedAmount\n";

    [Fact]
    public void A_liquidation_names_what_it_seized_and_other_entries_leave_those_columns_empty()
    {
        var entries = LedgerEntriesFile.Read(Write(SeizedHeader + "l1,alice,liquidation,USDC,952.380952,2026-12-01T10:00:00Z,eip155:31337,ETH,1\ne2,alice,borrow,USDC,1,2026-12-01T10:00:00Z,,,\n"), EngineFixtures.Settings(0).Market);
        Assert.Equal(new SeizedCollateral(EngineFixtures.Ethereum, EngineFixtures.Eth, new Core.Amounts.Amount(System.Numerics.BigInteger.Pow(10, 18), 18)), entries[0].Seized);
        Assert.Equal((LedgerEntryKind.Liquidation, 952_380_952L), (entries[0].Kind, (long)entries[0].Amount.BaseUnits));
        Assert.Null(entries[1].Seized);
    }

    [Theory]
    [InlineData("l1,alice,liquidation,USDC,1,2026-12-01T10:00:00Z,,,\n", "column 7 (seizedChain)")]
    [InlineData("l1,alice,liquidation,USDC,1,2026-12-01T10:00:00Z,ethereum,ETH,1\n", "column 7 (seizedChain)")]
    [InlineData("l1,alice,liquidation,USDC,1,2026-12-01T10:00:00Z,eip155:1,DOGE,1\n", "column 8 (seizedAsset)")]
    [InlineData("l1,alice,liquidation,USDC,1,2026-12-01T10:00:00Z,eip155:1,USDC,0.0000001\n", "column 9 (seizedAmount)")]
    [InlineData("e1,alice,borrow,USDC,1,2026-12-01T10:00:00Z,eip155:1,ETH,1\n", "column 7 (seizedChain)")]
    [InlineData("e1,alice,deficit,USDC,1,2026-12-01T10:00:00Z,,,\n", "column 3 (kind)")]
    public void A_liquidation_without_what_it_seized_a_seizure_on_another_kind_and_a_deficit_are_refused(string row, string column)
    {
        var path = Write(SeizedHeader + row);
        Assert.Equal(column, Assert.Throws<InputException>(() => LedgerEntriesFile.Read(path, EngineFixtures.Settings(0).Market)).Field);
        // Without the seized columns a liquidation is refused too.
        Assert.Equal("column 7 (seizedChain)", Assert.Throws<InputException>(() => LedgerEntriesFile.Read(Write(Header + "l1,alice,liquidation,USDC,1,2026-12-01T10:00:00Z\n"), EngineFixtures.Settings(0).Market)).Field);
    }

    [Fact]
    public void The_desk_s_positions_are_entries_too_and_a_negative_perp_is_short()
    {
        var entries = LedgerEntriesFile.Read(Write(Header + "d1,desk,deskperp,ETH,-30,2026-12-01T10:00:00Z\nd2,desk,deskspot,ETH,12.5,2026-12-01T10:00:00Z\n"), EngineFixtures.Settings(0).Market);
        Assert.Equal((LedgerEntryKind.DeskPerp, true), (entries[0].Kind, entries[0].IsShort));
        Assert.Equal(System.Numerics.BigInteger.Pow(10, 18) * 30, entries[0].Amount.BaseUnits);
        Assert.Equal((LedgerEntryKind.DeskSpot, false), (entries[1].Kind, entries[1].IsShort));
        // A spot holding is never negative.
        Assert.Equal("column 5 (amount)", Assert.Throws<InputException>(() => LedgerEntriesFile.Read(Write(Header + "d3,desk,deskspot,ETH,-1,2026-12-01T10:00:00Z\n"), EngineFixtures.Settings(0).Market)).Field);
    }

    [Fact]
    public void An_account_s_perp_is_an_entry_with_its_entry_price_and_a_negative_perp_is_short()
    {
        const string header = "entryId,account,kind,asset,amount,at,seizedChain,seizedAsset,seizedAmount,entryPrice\n";
        var entries = LedgerEntriesFile.Read(Write(header + "p1,alice,perp,ETH,-2.5,2026-12-01T10:00:00Z,,,,3000.5\np2,alice,perp,ETH,0,2026-12-01T11:00:00Z,,,,\ne1,bob,borrow,USDC,1,2026-12-01T10:00:00Z,,,,\n"), EngineFixtures.Settings(0).Market);
        Assert.Equal((LedgerEntryKind.Perp, true, 3000.5m), (entries[0].Kind, entries[0].IsShort, entries[0].EntryPrice));
        Assert.Equal(System.Numerics.BigInteger.Pow(10, 17) * 25, entries[0].Amount.BaseUnits);
        Assert.Equal((0m, true), (entries[1].EntryPrice, entries[1].Amount.BaseUnits.IsZero));
        Assert.Equal(0m, entries[2].EntryPrice);
    }

    [Theory]
    [InlineData("p1,alice,perp,ETH,1,2026-12-01T10:00:00Z,,,,\n")]      // an open perp without its entry price
    [InlineData("p1,alice,perp,ETH,1,2026-12-01T10:00:00Z,,,,-3000\n")] // not positive
    [InlineData("p1,alice,perp,ETH,1,2026-12-01T10:00:00Z,,,,abc\n")]
    [InlineData("p1,alice,perp,ETH,0,2026-12-01T10:00:00Z,,,,3000\n")]  // a close names no price
    [InlineData("e1,alice,borrow,USDC,1,2026-12-01T10:00:00Z,,,,1\n")]   // only a perp does
    public void A_perp_without_a_positive_entry_price_or_a_price_on_another_row_is_refused(string row)
    {
        const string header = "entryId,account,kind,asset,amount,at,seizedChain,seizedAsset,seizedAmount,entryPrice\n";
        Assert.Equal("column 10 (entryPrice)", Assert.Throws<InputException>(() => LedgerEntriesFile.Read(Write(header + row), EngineFixtures.Settings(0).Market)).Field);
    }
}
