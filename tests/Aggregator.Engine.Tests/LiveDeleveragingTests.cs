using System.Numerics;
using Aggregator.Core.Amounts;
using Aggregator.Core.Errors;
using Aggregator.Engine.Risk;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

/// <summary>
/// Live auto-deleveraging (docs/margin.md, "Live auto-deleveraging"), worked by hand. ETH perps at a 5%
/// maintenance rate, a 500 USDC fund. account-0 holds 1 ETH and is long 10 ETH from 2,000; ETH falls to
/// 1,700: PnL −3,000, equity 1,700 − 3,000 = −1,300, so the perp shortfall is min(3,000, 1,300) = 1,300 USDC
/// and the bankruptcy price 1,700 + 1,300 / 10 = 1,830. The fund pays 500; 800 / 1,300 of the long, 6.153846153846153847
/// ETH rounded up, is closed against the shorts, best ranked first:
/// <list type="bullet">
/// <item>account-1: 1 ETH, short 5 from 2,000: PnL +1,500, equity 3,200; 15% · (8,500 / 3,200) = 0.3984375;</item>
/// <item>account-2: 2 ETH, short 4 from 1,800: PnL +400, equity 3,800; (400 / 7,200) · (6,800 / 3,800) ≈ 0.0994;</item>
/// <item>account-3: 1 ETH, short 3 from 1,600: PnL −300, equity 1,400; −6.25% / (5,100 / 1,400) ≈ −0.0172.</item>
/// </list>
/// account-1 gives all 5, account-2 the remaining 1.153846153846153847; account-3 nothing.
/// </summary>
public class LiveDeleveragingTests
{
    private const string Params = """ "insuranceFundShare": "0.1", "insuranceFund": { "USDC": "500" }, "perps": { "ETH": { "maintenanceMarginRate": "0.05" } } """;
    private const int Accounts = 4;
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch.AddDays(1);
    private static readonly BigInteger Closed = BigInteger.Parse("6153846153846153847", System.Globalization.CultureInfo.InvariantCulture);

    private static LedgerEntry Perp(string id, int account, decimal size, decimal entry) =>
        new(id, $"account-{account}", LedgerEntryKind.Perp, Eth, new Amount(new BigInteger(Math.Abs(size) * OneEth), 18), At) { IsShort = size < 0, EntryPrice = size == 0 ? 0 : entry };

    private static void Open(EngineBook engine)
    {
        engine.Apply(Batch(1, "0x1", (0, OneEth), (1, OneEth), (2, 2 * OneEth), (3, OneEth)));
        foreach (var entry in new[] { Perp("p0", 0, 10, 2000), Perp("p1", 1, -5, 2000), Perp("p2", 2, -4, 1800), Perp("p3", 3, -3, 1600) })
        {
            engine.Apply(entry);
        }
    }

    private static void Fall(EngineBook engine) =>
        engine.Apply(new PricesObserved([new PriceObservation(Eth, "feed-a", 1700m, At)]), At);

    private static EngineBook[] Partitions() => [.. Enumerable.Range(0, 2).Select(i =>
    {
        var partition = new EnginePartition(i, 2);
        var settings = Settings(Accounts, Params);
        return new EngineBook(settings.CreateBook(partition), settings.Accounts.Select(a => a.Id).Where(id => !partition.Owns(id)).ToHashSet(StringComparer.Ordinal), partition);
    })];

    [Fact]
    public void An_insolvent_account_s_perp_shortfall_is_covered_by_the_fund_and_the_rest_closed_against_the_best_ranked_shorts()
    {
        var engine = new EngineBook(Settings(Accounts, Params).CreateBook());
        Open(engine);
        Assert.Empty(engine.Unannounced());
        Fall(engine);
        Assert.Equal(Margin.Evaluation.MarginStatus.Insolvent, engine.Book.Status(0));
        var shortfall = Assert.IsType<BadDebtRecorded>(Assert.Single(engine.Unannounced()));
        Assert.Equal(("perp:account-0:p0", "account-0", Usdc, new BigInteger(1_300_000_000)), (shortfall.Id, shortfall.Account, shortfall.Asset, shortfall.Amount.BaseUnits));
        var bankrupt = Assert.Single(shortfall.Perps);
        Assert.Equal((Eth, 10 * new BigInteger(OneEth), false, 1700m, 1830m), (bankrupt.Asset, bankrupt.Size.BaseUnits, bankrupt.IsShort, bankrupt.MarkPrice, bankrupt.BankruptcyPrice));
        engine.Announced(engine.Unannounced());

        var risk = RiskSettings.From(Settings(Accounts, Params));
        var fund = new InsuranceFundBook(risk.StartingFund, path: null);
        var (moved, uncovered) = fund.CoverPerpShortfall(shortfall.Id, shortfall.Asset, shortfall.Amount, shortfall.At);
        Assert.Equal((new BigInteger(500_000_000), BigInteger.Zero, new BigInteger(800_000_000)), (moved!.Drawn.BaseUnits, moved.Balance.BaseUnits, moved.Deleveraged!.Value.BaseUnits));
        Assert.Equal(new BigInteger(800_000_000), uncovered);
        // Recorded once: the same shortfall again moves nothing and passes on the same part.
        Assert.Equal((null, uncovered), fund.CoverPerpShortfall(shortfall.Id, shortfall.Asset, shortfall.Amount, shortfall.At));
        Assert.Equal(BigInteger.Zero, fund.Of(Usdc).Outstanding); // the counterparties', not the institution's

        var deleveraging = new DeleveragingBook(risk);
        var request = deleveraging.Open(shortfall, uncovered)!;
        var need = Assert.Single(request.Needs);
        Assert.Equal((Eth, true, Closed), (need.Asset, need.CounterpartiesShort, need.Quantity.BaseUnits));

        engine.Take(request);
        var answer = Assert.IsType<DeleveragingCandidatesReported>(Assert.Single(engine.Unannounced()));
        // The prefix that covers 6.15 ETH: account-1 (5) and account-2 (4); account-3 is not needed.
        Assert.Equal(["account-1", "account-2"], answer.Candidates.Select(c => c.Account));
        Assert.Equal((3200m, 1700m, 2000m), (answer.Candidates[0].Equity, answer.Candidates[0].MarkPrice, answer.Candidates[0].EntryPrice));

        var plan = deleveraging.Answer(answer)!;
        Assert.Equal(
            [("account-1", 5 * new BigInteger(OneEth)), ("account-2", Closed - 5 * new BigInteger(OneEth))],
            plan.Reductions.Select(r => (r.Counterparty, r.Quantity.BaseUnits)));
        Assert.All(plan.Reductions, r => Assert.Equal((Eth, 1830m, true), (r.Asset, r.BankruptcyPrice, r.CounterpartyShort)));
        Assert.Equal(0.3984375m, plan.Reductions[0].Rank);
        Assert.Empty(plan.Unfilled);
        // Planned once.
        Assert.Null(deleveraging.Answer(answer));
        Assert.Null(deleveraging.Open(shortfall, uncovered));
    }

    [Fact]
    public void Two_partitions_answer_with_what_one_does_and_give_the_same_plan()
    {
        var whole = new EngineBook(Settings(Accounts, Params).CreateBook());
        var partitions = Partitions();
        foreach (var engine in partitions.Append(whole))
        {
            Open(engine);
            Fall(engine);
        }
        var fromWhole = Assert.IsType<BadDebtRecorded>(Assert.Single(whole.Unannounced()));
        var fromPartitions = Assert.IsType<BadDebtRecorded>(Assert.Single(partitions.SelectMany(p => p.Unannounced())));
        Assert.Equal((fromWhole.Id, fromWhole.Amount, fromWhole.Perps.Single()), (fromPartitions.Id, fromPartitions.Amount, fromPartitions.Perps.Single()));

        var risk = RiskSettings.From(Settings(Accounts, Params));
        DeleveragingPlanned Plan(IReadOnlyList<EngineBook> engines, BadDebtRecorded shortfall)
        {
            var (_, uncovered) = new InsuranceFundBook(risk.StartingFund, path: null).CoverPerpShortfall(shortfall.Id, shortfall.Asset, shortfall.Amount, shortfall.At);
            var book = new DeleveragingBook(risk);
            var request = book.Open(shortfall, uncovered)!;
            DeleveragingPlanned? plan = null;
            foreach (var engine in engines)
            {
                engine.Announced(engine.Unannounced());
                engine.Take(request);
                var answer = Assert.IsType<DeleveragingCandidatesReported>(Assert.Single(engine.Unannounced()));
                Assert.Null(plan); // no plan before every partition has answered
                plan = book.Answer(answer);
            }
            return plan!;
        }
        var one = Plan([whole], fromWhole);
        var two = Plan(partitions, fromPartitions);
        Assert.Equal(one.Reductions, two.Reductions);
        // account-1 is partition 0's and account-2 partition 1's: the plan took from both answers.
        Assert.Equal([0, 1], two.Reductions.Select(r => partitions.Select((p, i) => (p, i)).Single(x => x.p.Owns(r.Counterparty)).i));
    }

    [Fact]
    public void A_request_that_comes_while_the_book_is_rebuilt_is_answered_once_it_is()
    {
        var engine = new EngineBook(Settings(Accounts, Params).CreateBook());
        engine.Apply(Perp("p1", 1, -5, 2000));
        engine.Take(new DeleveragingCandidatesRequested("perp:account-0:p0", "account-0", [new DeleveragingNeed(Eth, true, new Amount(OneEth, 18))], At));
        Assert.Empty(engine.Unannounced()); // no chain applied yet: equities would be wrong
        engine.Apply(Batch(1, "0x1", (0, OneEth), (1, OneEth)));
        var answer = Assert.IsType<DeleveragingCandidatesReported>(Assert.Single(engine.Unannounced()));
        Assert.Equal("account-1", Assert.Single(answer.Candidates).Account);
    }

    [Fact]
    public void A_shortfall_is_announced_once_per_state_of_the_account_s_perps()
    {
        var engine = new EngineBook(Settings(Accounts, Params).CreateBook());
        Open(engine);
        Fall(engine);
        engine.Announced(engine.Unannounced());
        // Back above water and down again: the same state of its perps, nothing new.
        engine.Apply(new PricesObserved([new PriceObservation(Eth, "feed-a", 2000m, At.AddSeconds(1))]), At.AddSeconds(1));
        engine.Apply(new PricesObserved([new PriceObservation(Eth, "feed-a", 1700m, At.AddSeconds(2))]), At.AddSeconds(2));
        Assert.Empty(engine.Unannounced());
        // The desk reduced the long to 8 (reported back as its new state): a new shortfall, under the new entry's name.
        engine.Apply(Perp("p0b", 0, 8, 2000));
        engine.Apply(new PricesObserved([new PriceObservation(Eth, "feed-a", 2000m, At.AddSeconds(3))]), At.AddSeconds(3));
        engine.Apply(new PricesObserved([new PriceObservation(Eth, "feed-a", 1700m, At.AddSeconds(4))]), At.AddSeconds(4));
        var again = Assert.IsType<BadDebtRecorded>(Assert.Single(engine.Unannounced()));
        Assert.Equal(("perp:account-0:p0b", new BigInteger(700_000_000)), (again.Id, again.Amount.BaseUnits)); // 1,700 − 2,400
    }

    [Fact]
    public void A_restarted_engine_replays_its_perps_from_the_journal_and_names_the_same_shortfall()
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-perps-");
        try
        {
            var journal = new LedgerJournal(Path.Combine(directory.FullName, "ledger.jsonl"));
            var first = new EngineBook(Settings(Accounts, Params).CreateBook());
            first.Apply(Batch(1, "0x1", (0, OneEth), (1, OneEth), (2, 2 * OneEth), (3, OneEth)));
            foreach (var entry in new[] { Perp("p0", 0, 10, 2000), Perp("p1", 1, -5, 2000), Perp("p2", 2, -4, 1800), Perp("p3", 3, -3, 1600) })
            {
                first.Apply(entry);
                journal.Append(entry);
            }
            Fall(first);

            var restarted = new EngineBook(Settings(Accounts, Params).CreateBook());
            foreach (var entry in journal.Read())
            {
                restarted.Apply(entry);
            }
            Assert.Equal((-4m, 1800m), restarted.Book.Perp(restarted.Book.TryFindAccount("account-2", out var two) ? two : -1, restarted.Book.AssetIndex(Eth)));
            restarted.Apply(Batch(1, "0x1", (0, OneEth), (1, OneEth), (2, 2 * OneEth), (3, OneEth)));
            Fall(restarted);
            // The same claim under the same id: the risk role takes it once.
            Assert.Equal(Describe(first.Unannounced().Single()), Describe(restarted.Unannounced().Single()));
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        static string Describe(object message) => message is BadDebtRecorded d ? $"{d.Id} {d.Amount} {d.Perps.Single()}" : "";
    }

    [Fact]
    public void A_perp_the_market_does_not_offer_without_an_entry_price_or_a_side_on_another_kind_is_refused()
    {
        var engine = new EngineBook(Settings(Accounts, Params).CreateBook());
        Assert.Contains("does not offer", Assert.Throws<InputException>(() => engine.Apply(Perp("x1", 0, 1, 1) with { Asset = Usdc, Amount = new Amount(1, 6) })).Message, StringComparison.Ordinal);
        Assert.Equal("entryPrice", Assert.Throws<InputException>(() => engine.Apply(Perp("x2", 0, 1, 1) with { EntryPrice = 0 })).Field);
        Assert.Equal("entryPrice", Assert.Throws<InputException>(() => engine.Apply(Perp("x3", 0, 1, 1) with { EntryPrice = EngineBook.MaxPrice + 1 })).Field);
        Assert.Equal("isShort", Assert.Throws<InputException>(() => engine.Apply(new LedgerEntry("x4", "account-0", LedgerEntryKind.Borrow, Usdc, new Amount(1, 6), At) { IsShort = true })).Field);
        Assert.Equal("entryPrice", Assert.Throws<InputException>(() => engine.Apply(new LedgerEntry("x5", "account-0", LedgerEntryKind.Borrow, Usdc, new Amount(1, 6), At) { EntryPrice = 1 })).Field);
        Assert.False(engine.Book.HasPerps(0));
        Assert.Equal(0, engine.LedgerEntriesApplied);
    }

    [Fact]
    public void Answers_are_kept_across_a_restart_of_the_risk_role_and_a_foreign_candidate_is_refused()
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-adl-");
        try
        {
            var risk = RiskSettings.From(Settings(Accounts, Params)) with { StateDirectory = directory.FullName };
            var shortfall = new BadDebtRecorded("perp:account-0:p0", "account-0", Usdc, new Amount(1_300_000_000, 6), At)
            {
                Perps = [new BankruptPerp(Eth, new Amount(10 * new BigInteger(OneEth), 18), false, 1700m, 1830m)],
            };
            var request = new DeleveragingBook(risk).Open(shortfall, 800_000_000)!;
            var candidate = new DeleveragingCandidate("account-1", Eth, new Amount(5 * new BigInteger(OneEth), 18), true, 2000m, 1700m, 3200m);
            Assert.Null(new DeleveragingBook(risk).Answer(new DeleveragingCandidatesReported(request.Id, 0, 2, [candidate], At)));
            // Restarted: the first answer is on disk; the second completes the plan.
            var restarted = new DeleveragingBook(risk);
            var again = restarted.Open(shortfall, 800_000_000)!; // asked again until planned
            Assert.Equal((request.Id, request.Needs.Single()), (again.Id, again.Needs.Single()));
            Assert.Throws<InputException>(() => restarted.Answer(new DeleveragingCandidatesReported(request.Id, 1, 2, [candidate with { IsShort = false }], At)));
            // account-1 is partition 0's: partition 1 may not offer it, nor anyone the bankrupt account or one position twice.
            Assert.Contains("does not own", Assert.Throws<InputException>(() => restarted.Answer(new DeleveragingCandidatesReported(request.Id, 1, 2, [candidate], At))).Message, StringComparison.Ordinal);
            Assert.Contains("bankrupt", Assert.Throws<InputException>(() => restarted.Answer(new DeleveragingCandidatesReported(request.Id, 0, 1, [candidate with { Account = "account-0" }], At))).Message, StringComparison.Ordinal);
            Assert.Contains("twice", Assert.Throws<InputException>(() => restarted.Answer(new DeleveragingCandidatesReported(request.Id, 0, 1, [candidate, candidate], At))).Message, StringComparison.Ordinal);
            // A price beyond the engine's largest would overflow the ranking: refused, naming the deleveraging.
            Assert.Throws<InputException>(() => restarted.Answer(new DeleveragingCandidatesReported(request.Id, 0, 1, [candidate with { MarkPrice = 1e27m }], At)));
            var plan = restarted.Answer(new DeleveragingCandidatesReported(request.Id, 1, 2, [], At))!;
            Assert.Equal(("account-1", 5 * new BigInteger(OneEth)), (Assert.Single(plan.Reductions).Counterparty, plan.Reductions[0].Quantity.BaseUnits));
            Assert.Equal(Closed - 5 * new BigInteger(OneEth), Assert.Single(plan.Unfilled).Quantity.BaseUnits); // no one else offered
            Assert.Null(new DeleveragingBook(risk).Open(shortfall, 800_000_000)); // planned, on disk
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
