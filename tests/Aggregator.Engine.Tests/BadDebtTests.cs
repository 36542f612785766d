using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Engine.Risk;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>
/// Live bad debt (docs/margin.md, "Live bad debt"): an executed liquidation reported in the books, the
/// deficit once the chains show the collateral gone, and the insurance fund that one risk role keeps
/// for every partition. The figures are the stress test's worked example: 1 ETH at 2,000 against 1,900
/// USDC; the liquidator repays 952.380952 USDC and seizes the ETH; 947.619048 USDC is left owed.
/// </summary>
public class BadDebtTests
{
    private const string FundParams = """ "insuranceFundShare": "0.1", "insuranceFund": { "USDC": "500" } """;
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    // 1e18 · 0.05 / 1.05 · 0.1, rounded down.
    private static readonly BigInteger Fee = BigInteger.Parse("4761904761904761", System.Globalization.CultureInfo.InvariantCulture);

    private static LedgerEntry Borrow(string id, string account, ulong usdc) => new(id, account, LedgerEntryKind.Borrow, Usdc, new Amount(usdc, 6), At);

    private static LedgerEntry Liquidation(string id, string account, ulong repaidUsdc, ulong seizedWei) =>
        new(id, account, LedgerEntryKind.Liquidation, Usdc, new Amount(repaidUsdc, 6), At) { Seized = new SeizedCollateral(Ethereum, Eth, new Amount(seizedWei, 18)) };

    private static EngineBook Liquidated(out string account)
    {
        var engine = new EngineBook(Settings(1, FundParams).CreateBook());
        account = "account-0";
        engine.Apply(Batch(1, "0x1", (0, OneEth)));
        engine.Apply(Borrow("b1", account, 1_900_000_000));
        return engine;
    }

    [Fact]
    public void A_liquidation_repays_and_the_deficit_waits_until_the_chain_shows_the_collateral_gone()
    {
        var engine = Liquidated(out var account);
        var liquidation = engine.Apply(Liquidation("liq-1", account, 952_380_952, OneEth));
        Assert.Empty(liquidation.Deficits); // the chain still shows the ETH: the seizure is not on it yet
        Assert.Equal(947.619048m, engine.Book.Requirement(0));
        var fee = Assert.IsType<LiquidationRecorded>(Assert.Single(engine.Unannounced()));
        Assert.Equal((Eth, Fee), (fee.Asset, fee.Fee.BaseUnits));

        var gone = engine.Apply(Batch(2, "0x2", (0, 0)));
        var deficit = Assert.Single(gone.Deficits);
        Assert.Equal(("deficit:liq-1:USDC", LedgerEntryKind.Deficit, new BigInteger(947_619_048)), (deficit.EntryId, deficit.Kind, deficit.Amount.BaseUnits));
        Assert.Equal(0m, engine.Book.Requirement(0)); // written off
        Assert.Equal(new BigInteger(947_619_048), Assert.Single(engine.Unannounced().OfType<BadDebtRecorded>()).Amount.BaseUnits);
        // Nothing more: a later empty batch records nothing again.
        Assert.Empty(engine.Apply(Batch(3, "0x3", (0, 0))).Deficits);
    }

    [Fact]
    public void A_chain_that_shows_the_seizure_before_the_books_do_gives_the_same_deficit()
    {
        var engine = Liquidated(out var account);
        engine.Apply(Batch(2, "0x2", (0, 0)));
        var deficit = Assert.Single(engine.Apply(Liquidation("liq-1", account, 952_380_952, OneEth)).Deficits);
        Assert.Equal(new BigInteger(947_619_048), deficit.Amount.BaseUnits);
    }

    [Fact]
    public void A_partial_liquidation_records_no_deficit_and_a_new_loan_ends_the_liquidations_claim()
    {
        var engine = Liquidated(out var account);
        engine.Apply(Liquidation("liq-1", account, 950_000_000, OneEth / 2));
        engine.Apply(Batch(2, "0x2", (0, OneEth / 2))); // half the ETH left
        Assert.Empty(engine.Unannounced().OfType<BadDebtRecorded>());
        engine.Apply(Borrow("b2", account, 1_000_000));
        // Collateral withdrawn after a new loan: an unsecured debt, not a liquidation's remainder.
        Assert.Empty(engine.Apply(Batch(3, "0x3", (0, 0))).Deficits);
    }

    [Fact]
    public void A_liquidation_must_say_what_it_seized_where_the_engine_can_see_it()
    {
        var engine = Liquidated(out var account);
        Assert.Contains("does not say what it seized", Assert.Throws<InputException>(() => engine.Apply(new LedgerEntry("l1", account, LedgerEntryKind.Liquidation, Usdc, new Amount(1, 6), At))).Message, StringComparison.Ordinal);
        Assert.Contains("does not follow", Assert.Throws<InputException>(() => engine.Apply(Liquidation("l2", account, 1, 1) with { Seized = new SeizedCollateral(Solana, Eth, new Amount(1, 18)) })).Message, StringComparison.Ordinal);
        Assert.Throws<InputException>(() => engine.Apply(Liquidation("l3", account, 1, 1) with { Seized = new SeizedCollateral(Ethereum, Eth, new Amount(1, 6)) }));
        Assert.Contains("only a liquidation does", Assert.Throws<InputException>(() => engine.Apply(Borrow("l4", account, 1) with { Seized = new SeizedCollateral(Ethereum, Eth, new Amount(1, 18)) })).Message, StringComparison.Ordinal);
        Assert.Contains("owes", Assert.Throws<InputException>(() => engine.Apply(Liquidation("l5", account, 2_000_000_000, OneEth))).Message, StringComparison.Ordinal);
        Assert.Equal(1900m, engine.Book.Requirement(0)); // none of them changed the debt
        Assert.Empty(engine.Unannounced());
    }

    [Fact]
    public void A_restarted_engine_replays_its_journal_to_the_same_debt_records_no_deficit_twice_and_announces_again()
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-baddebt-");
        try
        {
            var journal = new LedgerJournal(Path.Combine(directory.FullName, "ledger.jsonl"));
            var engine = Liquidated(out var account);
            journal.Append(Borrow("b1", account, 1_900_000_000));
            var liquidation = Liquidation("liq-1", account, 952_380_952, OneEth);
            engine.Apply(liquidation);
            journal.Append(liquidation);
            foreach (var deficit in engine.Apply(Batch(2, "0x2", (0, 0))).Deficits)
            {
                journal.Append(deficit);
            }

            var restarted = new EngineBook(Settings(1, FundParams).CreateBook());
            foreach (var entry in journal.Read())
            {
                restarted.Apply(entry);
            }
            Assert.Empty(restarted.Apply(Batch(2, "0x2", (0, 0))).Deficits);
            Assert.Equal(0m, restarted.Book.Requirement(0));
            // Both go to the risk role again (their first announcement may have died with the process).
            Assert.Equal(["liq-1", "deficit:liq-1:USDC"], restarted.Unannounced().Select(m => m is LiquidationRecorded l ? l.EntryId : ((BadDebtRecorded)m).Id));
            restarted.Announced(restarted.Unannounced());
            Assert.Empty(restarted.Unannounced());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Two_partitions_announce_exactly_what_one_does_and_the_fund_ends_the_same_in_any_order()
    {
        const int Accounts = 12;
        var whole = new EngineBook(Settings(Accounts, FundParams).CreateBook());
        var partitions = Enumerable.Range(0, 2).Select(i =>
        {
            var partition = new EnginePartition(i, 2);
            var settings = Settings(Accounts, FundParams);
            return new EngineBook(settings.CreateBook(partition), settings.Accounts.Select(a => a.Id).Where(id => !partition.Owns(id)).ToHashSet(StringComparer.Ordinal), partition);
        }).ToArray();
        var everyone = partitions.Append(whole).ToArray();
        // Every account: 1 ETH, borrows 1,900; the even ones are liquidated, their ETH seized, a third of them before the chain shows it.
        foreach (var engine in everyone)
        {
            engine.Apply(Batch(1, "0x1", [.. Enumerable.Range(0, Accounts).Select(a => (a, OneEth))]));
            for (var a = 0; a < Accounts; a++)
            {
                engine.Apply(Borrow($"b{a}", $"account-{a}", 1_900_000_000));
            }
            for (var a = 0; a < Accounts; a += 2)
            {
                engine.Apply(Liquidation($"liq-{a}", $"account-{a}", 952_380_952 - (ulong)a, OneEth));
            }
            engine.Apply(Batch(2, "0x2", [.. Enumerable.Range(0, Accounts).Select(a => (a, a % 2 == 0 ? 0UL : OneEth))]));
        }
        static string Describe(object message) => message switch
        {
            LiquidationRecorded l => $"{l.EntryId} {l.Account} {l.Asset} {l.Fee.BaseUnits}",
            BadDebtRecorded d => $"{d.Id} {d.Account} {d.Asset} {d.Amount.BaseUnits}",
            _ => throw new InvalidOperationException(),
        };
        var fromWhole = whole.Unannounced().Select(Describe).Order(StringComparer.Ordinal).ToArray();
        var fromPartitions = partitions.SelectMany(p => p.Unannounced()).Select(Describe).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(12, fromWhole.Length); // 6 fees, 6 deficits
        Assert.Equal(fromWhole, fromPartitions);

        var start = RiskSettings.From(Settings(Accounts, FundParams)).StartingFund;
        var inOrder = Fund(start, whole.Unannounced());
        var interleaved = Fund(start, partitions[1].Unannounced().Concat(partitions[0].Unannounced()).Reverse().ToList());
        Assert.Equal(inOrder.Of(Usdc), interleaved.Of(Usdc));
        Assert.Equal(inOrder.Of(Eth), interleaved.Of(Eth));
        // 6 deficits of 947.619048 + a (a = 0, 2, …, 10: 30 base units in all) against the 500 USDC fund.
        var recorded = 6 * new BigInteger(947_619_048) + 30;
        Assert.Equal((BigInteger.Zero, BigInteger.Zero, new BigInteger(500_000_000), recorded, recorded - 500_000_000), inOrder.Of(Usdc));
        Assert.Equal((6 * Fee, 6 * Fee, BigInteger.Zero, BigInteger.Zero, BigInteger.Zero), inOrder.Of(Eth)); // ETH fees do not pay USDC deficits
    }

    private static InsuranceFundBook Fund(IReadOnlyDictionary<AssetId, Amount> start, IReadOnlyList<object> messages)
    {
        var fund = new InsuranceFundBook(start, path: null);
        foreach (var message in messages)
        {
            _ = message switch
            {
                LiquidationRecorded l => fund.Credit(l.EntryId, l.Asset, l.Fee, l.At),
                BadDebtRecorded d => fund.RecordDeficit(d.Id, d.Asset, d.Amount, d.At),
                _ => throw new InvalidOperationException(),
            };
        }
        return fund;
    }
}
