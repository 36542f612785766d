using System.Globalization;
using System.Text.Json;
using Aggregator.Core.Assets;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Liquidation;
using Aggregator.Margin.Markets;
using Aggregator.Margin.Oracles;
using Aggregator.Margin.Stress;

namespace Aggregator.Margin.Scenarios;

/// <summary>
/// The machine-readable output of <c>aggregator margin</c>: a stable contract that others script against
/// (docs/margin.md, "Output"). Numbers are decimal strings; a missing health factor is null.
/// </summary>
public static class MarginReportJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = true };

    /// <summary>Each account's health, and beside each pool its risk sensitivity (<see cref="RiskSensitivity"/>).</summary>
    public static void WriteEvaluation(Stream output, MarketState market, IEnumerable<(AccountHealth Health, AccountRisk Risk)> accounts)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(accounts);
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteStartArray("assets");
        foreach (var asset in market.Assets.OrderBy(a => a.Id.Symbol, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("symbol", asset.Id.Symbol);
            writer.WriteString("price", Text(asset.Price));
            writer.WriteString("oracleStatus", StatusName(asset.OracleStatus));
            writer.WriteString("liquidationThreshold", Text(asset.LiquidationThreshold));
            writer.WriteString("effectiveLiquidationThreshold", Text(asset.EffectiveLiquidationThreshold));
            writer.WriteString("effectiveLtv", Text(asset.EffectiveLtv));
            writer.WriteString("volatility", Text(asset.Volatility));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("accounts");
        foreach (var (account, risk) in accounts)
        {
            writer.WriteStartObject();
            writer.WriteString("id", account.AccountId);
            WritePool(writer, account.Cross);
            WriteRisk(writer, risk.Cross);
            writer.WriteStartArray("isolated");
            foreach (var ((id, health), (_, isolatedRisk)) in account.Isolated.Zip(risk.Isolated))
            {
                writer.WriteStartObject();
                writer.WriteString("id", id);
                WritePool(writer, health);
                WriteRisk(writer, isolatedRisk);
                writer.WriteStartArray("perps");
                foreach (var perp in health.PerpLiquidationPrices)
                {
                    writer.WriteStartObject();
                    writer.WriteString("market", perp.Market);
                    WriteNullable(writer, "liquidationPrice", perp.Price);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteStress(Stream output, StressSettings settings, StressReport report)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(report);
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        WriteMap(writer, "shocks", settings.Shocks);
        WriteMap(writer, "impacts", settings.Impacts);
        WriteMap(writer, "shockedPrices", report.ShockedPrices);
        writer.WriteStartArray("rounds");
        foreach (var round in report.Rounds)
        {
            writer.WriteStartObject();
            writer.WriteNumber("round", round.Round);
            writer.WriteNumber("liquidations", round.Liquidations);
            WriteMap(writer, "sold", round.Sold);
            WriteMap(writer, "repaid", round.Repaid);
            WriteMap(writer, "pricesAfter", round.PricesAfter);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartObject("totals");
        writer.WriteNumber("rounds", report.Rounds.Count);
        writer.WriteBoolean("converged", report.Converged);
        WriteMap(writer, "liquidatedVolume", report.LiquidatedVolume);
        WriteMap(writer, "repaidDebt", report.RepaidDebt);
        writer.WriteString("badDebt", Text(report.BadDebt));
        WriteMap(writer, "deficit", report.Deficit);
        WriteMap(writer, "deficitLeft", report.DeficitLeft);
        writer.WriteStartObject("insuranceFund");
        WriteMap(writer, "start", report.Fund.Start);
        WriteMap(writer, "credited", report.Fund.Credited);
        WriteMap(writer, "drawn", report.Fund.Drawn);
        WriteMap(writer, "end", report.Fund.End);
        writer.WriteEndObject();
        writer.WriteString("perpShortfall", Text(report.PerpShortfall));
        writer.WriteString("perpShortfallLeft", Text(report.PerpShortfallLeft));
        writer.WriteStartArray("deleveraged");
        foreach (var reduction in report.Deleveraged)
        {
            writer.WriteStartObject();
            writer.WriteString("bankruptPool", reduction.BankruptPool);
            writer.WriteString("market", reduction.Market);
            writer.WriteString("bankruptcyPrice", Text(reduction.BankruptcyPrice));
            writer.WriteString("pool", reduction.Pool);
            writer.WriteString("quantity", Text(reduction.Quantity));
            writer.WriteString("rank", Text(Math.Round(reduction.Rank, 8)));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("insolventAccounts");
        foreach (var account in report.InsolventAccounts)
        {
            writer.WriteStringValue(account);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteMonteCarlo(Stream output, MonteCarlo.Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteNumber("draws", report.Draws);
        writer.WriteNumber("seed", report.Seed);
        writer.WriteStartObject("badDebt");
        writer.WriteString("mean", Text(report.MeanBadDebt));
        writer.WriteString("p95", Text(report.BadDebt95));
        writer.WriteString("p99", Text(report.BadDebt99));
        writer.WriteString("expectedShortfall99", Text(report.ExpectedShortfall99));
        writer.WriteEndObject();
        writer.WriteString("probabilityOfRuin", Text(report.ProbabilityOfRuin));
        writer.WriteStartArray("topContributors");
        foreach (var contributor in report.TopContributors)
        {
            writer.WriteStartObject();
            writer.WriteString("pool", contributor.Pool);
            writer.WriteString("meanBadDebt", Text(contributor.MeanBadDebt));
            writer.WriteNumber("insolventDraws", contributor.Draws);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A decimal as the shortest exact string ("1.5", "0", "-3.25").</summary>
    public static string Text(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>The JSON name of a status: healthy, margin_call, liquidatable, insolvent, frozen.</summary>
    public static string StatusName(MarginStatus status) => status switch
    {
        MarginStatus.MarginCall => "margin_call",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The JSON name of an oracle status: ok, stale, deviating, missing (docs/margin.md, "Oracles").</summary>
    public static string StatusName(OracleStatus status) => status.ToString().ToLowerInvariant();

    private static void WritePool(Utf8JsonWriter writer, PoolHealth health)
    {
        writer.WriteString("collateralValue", Text(health.CollateralValue));
        writer.WriteString("weightedCollateral", Text(health.WeightedCollateral));
        writer.WriteString("debtValue", Text(health.DebtValue));
        writer.WriteString("unrealizedPnl", Text(health.UnrealizedPnl));
        writer.WriteString("requirement", Text(health.Requirement));
        WriteNullable(writer, "healthFactor", health.HealthFactor);
        writer.WriteString("status", StatusName(health.Status));
        writer.WriteString("borrowingPower", Text(health.BorrowingPower));
        if (health.Liquidation is { } plan)
        {
            WritePlan(writer, plan);
        }
    }

    private static void WriteRisk(Utf8JsonWriter writer, PoolRisk risk)
    {
        writer.WriteStartObject("risk");
        WriteNullable(writer, "effectiveLeverage", risk.EffectiveLeverage);
        writer.WriteStartArray("assets");
        foreach (var asset in risk.Assets)
        {
            writer.WriteStartObject();
            writer.WriteString("asset", asset.Asset.Symbol);
            writer.WriteString("price", Text(asset.Price));
            writer.WriteString("weightedSlope", Text(asset.WeightedSlope));
            writer.WriteString("requirementSlope", Text(asset.RequirementSlope));
            WriteNullable(writer, "delta", asset.Delta);
            WriteNullable(writer, "gamma", asset.Gamma);
            WriteNullable(writer, "healthChangeUp1Percent", asset.HealthChangeUp1Percent);
            WriteNullable(writer, "healthChangeDown1Percent", asset.HealthChangeDown1Percent);
            WriteNullable(writer, "liquidationPrice", asset.LiquidationPrice);
            WriteNullable(writer, "moveToLiquidation", asset.MoveToLiquidation);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (risk.LargestMoveSurvived is { } largest)
        {
            writer.WriteStartObject("largestMoveSurvived");
            WriteNullableString(writer, "asset", largest.Asset?.Symbol);
            writer.WriteString("move", Text(largest.Move));
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("largestMoveSurvived");
        }
        writer.WriteEndObject();
    }

    private static void WritePlan(Utf8JsonWriter writer, LiquidationPlan plan)
    {
        writer.WriteStartObject("liquidation");
        writer.WriteString("closeFactor", Text(plan.CloseFactor));
        if (plan.DebtAsset is { } debtAsset)
        {
            writer.WriteString("debtAsset", debtAsset.Symbol);
            writer.WriteString("debtToCover", plan.DebtToCover!.Value.ToString());
            WriteNullableString(writer, "collateralChain", plan.CollateralChain?.ToString());
            WriteNullableString(writer, "collateralAsset", plan.CollateralAsset?.Symbol);
            WriteNullableString(writer, "collateralToSeize", plan.CollateralToSeize?.ToString());
        }
        else
        {
            writer.WriteStartArray("perpsToClose");
            foreach (var market in plan.PerpsToClose)
            {
                writer.WriteStringValue(market);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<AssetId, decimal> values)
    {
        writer.WriteStartObject(name);
        foreach (var (asset, value) in values.OrderBy(p => p.Key.Symbol, StringComparer.Ordinal))
        {
            writer.WriteString(asset.Symbol, Text(value));
        }
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, decimal? value) =>
        WriteNullableString(writer, name, value is { } v ? Text(v) : null);

    private static void WriteNullableString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
