using Aggregator.Core.Errors;
using Aggregator.Engine;
using Aggregator.Margin.Evaluation;
using Aggregator.Messages;
using static Aggregator.Testing.EngineFixtures;

namespace Aggregator.Engine.Tests;

public class PricesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    // Account 0 holds 1 ETH and owes 1500 USDC: healthy at 2000 (HF 1.1), liquidatable below 1818.18.
    private static EngineBook Engine()
    {
        var engine = new EngineBook(Settings(2).CreateBook());
        engine.Apply(Batch(1, "0x1", (0, OneEth), (1, 10 * OneEth)));
        engine.Book.SetDebt(0, engine.Book.AssetIndex(Usdc), 1_500_000_000);
        engine.Book.TakeHealthChanges([]);
        return engine;
    }

    private static PricesObserved EthQuotes(params (string Source, decimal Price, DateTimeOffset At)[] quotes) =>
        new([.. quotes.Select(q => new PriceObservation(Eth, q.Source, q.Price, q.At))]);

    [Fact]
    public void A_falling_price_moves_the_holders_and_reports_them()
    {
        var engine = Engine();
        var outcome = engine.Apply(EthQuotes(("feed-a", 1800m, Now)), Now);
        Assert.True(outcome.Applied);
        Assert.Equal(MarginStatus.Liquidatable, engine.Book.Status(0));
        Assert.Contains(outcome.Changes, c => c.Account == 0 && c.Status == MarginStatus.Liquidatable);
        Assert.Equal(1800m, engine.Book.Market[Eth].Price);
    }

    [Fact]
    public void An_older_quote_of_a_source_changes_nothing()
    {
        var engine = Engine();
        engine.Apply(EthQuotes(("feed-a", 2100m, Now)), Now);
        var late = engine.Apply(EthQuotes(("feed-a", 1000m, Now.AddSeconds(-5))), Now);
        Assert.False(late.Applied);
        Assert.Equal(2100m, engine.Book.Market[Eth].Price);
    }

    [Fact]
    public void A_second_reading_of_a_source_in_the_same_second_replaces_the_first()
    {
        var engine = Engine();
        engine.Apply(EthQuotes(("feed-a", 2100m, Now)), Now);
        Assert.True(engine.Apply(EthQuotes(("feed-a", 1900m, Now)), Now).Applied); // two rounds in one second
        Assert.Equal(1900m, engine.Book.Market[Eth].Price);
        Assert.False(engine.Apply(EthQuotes(("feed-a", 1900m, Now)), Now).Applied); // the same reading again
    }

    [Fact]
    public void Sources_that_disagree_or_go_stale_freeze_the_asset_and_its_holders()
    {
        var engine = Engine();
        engine.Apply(EthQuotes(("feed-a", 2000m, Now), ("feed-b", 2500m, Now)), Now); // 25% apart
        Assert.Equal(MarginStatus.Frozen, engine.Book.Status(0));
        Assert.Equal(MarginStatus.Frozen, engine.Book.Status(1));

        var later = Now.AddHours(1); // both quotes far past the staleness window
        engine.Apply(EthQuotes(("feed-c", 2000m, Now)), later);
        Assert.Equal(Margin.Oracles.OracleStatus.Stale, engine.Book.Market[Eth].OracleStatus);
        engine.Apply(EthQuotes(("feed-a", 2001m, later), ("feed-b", 2002m, later), ("feed-c", 2000m, later)), later);
        Assert.Equal(MarginStatus.Healthy, engine.Book.Status(0));
        Assert.Equal(2001m, engine.Book.Market[Eth].Price); // the median of the fresh ones
    }

    [Theory]
    [InlineData("DOGE", 1)]
    [InlineData("ETH", 0)]
    [InlineData("ETH", -5)]
    public void A_quote_for_an_unlisted_asset_or_a_price_that_is_not_positive_is_refused_whole(string asset, int price)
    {
        var engine = Engine();
        var prices = new PricesObserved([new PriceObservation(Usdc, "feed-a", 1.01m, Now), new PriceObservation(new(asset), "feed-a", price, Now)]);
        Assert.Throws<InputException>(() => engine.Apply(prices, Now));
        Assert.Equal(1m, engine.Book.Market[Usdc].Price);
    }

    [Fact]
    public void A_quote_from_a_source_the_oracle_is_not_configured_with_is_refused_and_changes_nothing()
    {
        var engine = new EngineBook(Settings(2).CreateBook(), priceSources: new HashSet<(Core.Assets.AssetId, string)> { (Eth, "feed-a") });
        engine.Apply(Batch(1, "0x1", (0, OneEth)));
        Assert.True(engine.Apply(EthQuotes(("feed-a", 2100m, Now)), Now).Applied);
        var forged = Assert.Throws<InputException>(() => engine.Apply(EthQuotes(("feed-a", 2000m, Now.AddSeconds(1)), ("chainlink-eth-usd", 1000m, Now)), Now));
        Assert.Contains("chainlink-eth-usd is not a configured source of ETH's price", forged.Message, StringComparison.Ordinal);
        Assert.Equal(2100m, engine.Book.Market[Eth].Price); // not even the message's good quote: all or nothing
    }

    [Fact]
    public void A_quote_stamped_in_the_future_is_refused_and_cannot_lock_the_real_feed_out()
    {
        var engine = Engine();
        var forged = Assert.Throws<InputException>(() => engine.Apply(EthQuotes(("feed-a", 1000m, new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero))), Now));
        Assert.Contains("later than this engine's clock", forged.Message, StringComparison.Ordinal);
        Assert.True(engine.Apply(EthQuotes(("feed-a", 2100m, Now)), Now).Applied); // the real feed goes on
        Assert.Equal(2100m, engine.Book.Market[Eth].Price);
        Assert.True(engine.Apply(EthQuotes(("feed-a", 2200m, Now + EngineBook.MaxClockSkew)), Now).Applied); // within the skew
    }

    [Theory]
    [InlineData("79228162514264337593543950335")] // decimal.MaxValue
    [InlineData("1000000000000000.01")]
    [InlineData("0")]
    [InlineData("-1")]
    public void A_price_out_of_range_is_refused_and_later_messages_still_apply(string price)
    {
        var engine = Engine();
        Assert.Throws<InputException>(() => engine.Apply(EthQuotes(("feed-a", decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), Now)), Now));
        Assert.True(engine.Apply(EthQuotes(("feed-a", 1800m, Now)), Now).Applied);
        Assert.True(engine.Apply(Batch(2, "0x2", (0, 2 * OneEth))).Applied);
        Assert.Equal(MarginStatus.Healthy, engine.Book.Status(0));
    }

    [Fact]
    public void A_feed_that_falls_silent_freezes_its_asset_in_a_running_engine_as_in_one_started_then()
    {
        var engine = Engine();
        engine.Apply(EthQuotes(("feed-a", 1800m, Now)), Now);
        Assert.Equal(MarginStatus.Liquidatable, engine.Book.Status(0));
        Assert.False(engine.Reprice(Now.AddSeconds(1)).Applied); // still fresh: nothing to do
        var later = Now + engine.Book.Market.Settings.Oracle.Staleness + TimeSpan.FromSeconds(1);
        var outcome = engine.Reprice(later);
        Assert.True(outcome.Applied);
        Assert.True(engine.Book.Market[Eth].Frozen);
        Assert.Contains(outcome.Changes, c => c.Account == 0 && c.Status == MarginStatus.Frozen); // no liquidation on a price nobody vouches for
        // An engine started then, given the same quote, says the same.
        var fresh = Engine();
        fresh.Apply(EthQuotes(("feed-a", 1800m, Now)), later);
        Assert.Equal((fresh.Book.Market[Eth].OracleStatus, fresh.Book.Status(0)), (engine.Book.Market[Eth].OracleStatus, engine.Book.Status(0)));
        // The feed speaks again: the asset thaws.
        Assert.True(engine.Apply(EthQuotes(("feed-a", 1900m, later)), later).Applied);
        Assert.False(engine.Book.Market[Eth].Frozen);
    }
}
