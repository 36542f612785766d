using System.Globalization;
using System.Text.Json;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Core.Positions;
using Aggregator.Core.Risk;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Live;
using Aggregator.Margin.Markets;
using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Scenarios;

/// <summary>
/// Reads a scenario document. Numbers may be JSON numbers or decimal strings (read exactly, never through
/// binary floating point); amounts are whole units. Every error names the JSON path of the bad value.
/// </summary>
public static class ScenarioJson
{
    /// <exception cref="InputException">Malformed JSON or a bad value, with its path.</exception>
    public static Scenario Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException error)
        {
            throw new InputException($"malformed JSON: {error.Message}", file: source, line: error.LineNumber + 1);
        }
        using (document)
        {
            return new Reader(source).Scenario(document.RootElement);
        }
    }

    private sealed class Reader(string source)
    {
        private readonly Dictionary<AssetId, int> _decimals = [];

        public Scenario Scenario(JsonElement root)
        {
            Expect(root, JsonValueKind.Object, "$");
            Only(root, "$", "params", "assets", "chains", "accounts");
            var settings = Settings(Optional(root, "params"), "$.params", root);
            var assets = Array(root, "assets", "$").Select((e, i) => Asset(e, $"$.assets[{i}]", settings.Oracle.Now)).ToArray();
            if (assets.Length == 0)
            {
                throw Error("$.assets", "at least one asset is needed");
            }
            // Read once the assets are known: both name assets.
            if (Optional(root, "params") is { } parameters)
            {
                settings = settings with
                {
                    InsuranceFund = Optional(parameters, "insuranceFund") is { } fund ? InsuranceFund(fund, "$.params.insuranceFund") : settings.InsuranceFund,
                    Hedging = Optional(parameters, "hedging") is { } hedging ? HedgingPolicies(hedging, "$.params.hedging") : settings.Hedging,
                    PerpMaintenanceMarginRates = Optional(parameters, "perps") is { } perps ? PerpRates(perps, "$.params.perps") : settings.PerpMaintenanceMarginRates,
                    PerpSettlement = Optional(parameters, "perpSettlement") is { } settle ? KnownAsset(String(settle, "$.params.perpSettlement"), "$.params.perpSettlement") : null,
                };
            }
            if (settings.PerpSettlement is null && _decimals.ContainsKey(new AssetId("USDC")))
            {
                settings = settings with { PerpSettlement = new AssetId("USDC") };
            }
            var haircuts = new Dictionary<(ChainId, AssetId), decimal>();
            if (Optional(root, "chains") is { } chains)
            {
                Expect(chains, JsonValueKind.Array, "$.chains");
                var index = 0;
                foreach (var chain in chains.EnumerateArray())
                {
                    var path = $"$.chains[{index++}]";
                    Expect(chain, JsonValueKind.Object, path);
                    Only(chain, path, "id", "haircuts");
                    var id = Chain(Required(chain, "id", path), $"{path}.id");
                    if (Optional(chain, "haircuts") is { } cuts)
                    {
                        Expect(cuts, JsonValueKind.Object, $"{path}.haircuts");
                        foreach (var cut in cuts.EnumerateObject())
                        {
                            var asset = KnownAsset(cut.Name, $"{path}.haircuts");
                            haircuts[(id, asset)] = Fraction(cut.Value, $"{path}.haircuts.{cut.Name}");
                        }
                    }
                }
            }
            var accounts = Array(root, "accounts", "$").Select((e, i) => Account(e, $"$.accounts[{i}]")).ToArray();
            var duplicate = accounts.GroupBy(a => a.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate != null)
            {
                throw Error("$.accounts", $"account '{duplicate.Key}' appears twice");
            }
            return new Scenario(assets, haircuts, settings, accounts);
        }

        private MarginSettings Settings(JsonElement? element, string path, JsonElement root)
        {
            DateTimeOffset? now = null;
            TimeSpan staleness = OracleSettings.DefaultStaleness;
            decimal deviation = OracleSettings.DefaultMaxDeviation, warning = MarginSettings.DefaultWarningHealthFactor;
            decimal lambda = EwmaVolatility.DefaultLambda, multiplier = MarginSettings.DefaultVolatilityMultiplier, dust = MarginSettings.DefaultDustValue, fundShare = 0;
            if (element is { } p)
            {
                Expect(p, JsonValueKind.Object, path);
                Only(p, path, "now", "stalenessSeconds", "maxDeviation", "warningHealthFactor", "ewmaLambda", "volatilityMultiplier", "dustValue", "insuranceFundShare", "insuranceFund", "hedging", "perps", "perpSettlement");
                if (Optional(p, "now") is { } n)
                {
                    now = Time(n, $"{path}.now");
                }

                if (Optional(p, "stalenessSeconds") is { } s)
                {
                    staleness = Staleness(s, $"{path}.stalenessSeconds");
                }

                if (Optional(p, "maxDeviation") is { } d)
                {
                    deviation = Fraction(d, $"{path}.maxDeviation");
                }

                if (Optional(p, "warningHealthFactor") is { } w)
                {
                    warning = Positive(w, $"{path}.warningHealthFactor");
                    if (warning > FixedPoint.MaxThreshold)
                    {
                        throw Error($"{path}.warningHealthFactor", $"{warning} is above {FixedPoint.MaxThreshold}");
                    }
                }

                if (Optional(p, "ewmaLambda") is { } l)
                {
                    lambda = Number(l, $"{path}.ewmaLambda");
                    if (lambda is <= 0 or >= 1)
                    {
                        throw Error($"{path}.ewmaLambda", "lambda must be strictly between 0 and 1");
                    }
                }
                if (Optional(p, "volatilityMultiplier") is { } k)
                {
                    multiplier = NonNegative(k, $"{path}.volatilityMultiplier");
                }
                if (Optional(p, "dustValue") is { } dv)
                {
                    dust = NonNegative(dv, $"{path}.dustValue");
                }
                if (Optional(p, "insuranceFundShare") is { } fs)
                {
                    fundShare = Fraction(fs, $"{path}.insuranceFundShare");
                }
            }
            // Without an explicit "now", the newest quote is now: the same file always evaluates the same way.
            now ??= LatestQuoteTime(root) ?? DateTimeOffset.UnixEpoch;
            return new MarginSettings(new OracleSettings(now.Value, staleness, deviation), warning, lambda, multiplier) { DustValue = dust, InsuranceFundShare = fundShare };
        }

        // The perps offered, by the asset each follows: { "ETH": { "maintenanceMarginRate": "0.05" } }.
        private Dictionary<AssetId, decimal> PerpRates(JsonElement element, string path)
        {
            Expect(element, JsonValueKind.Object, path);
            var rates = new Dictionary<AssetId, decimal>();
            foreach (var perp in element.EnumerateObject())
            {
                var at = $"{path}.{perp.Name}";
                var asset = KnownAsset(perp.Name, path);
                Expect(perp.Value, JsonValueKind.Object, at);
                Only(perp.Value, at, "maintenanceMarginRate");
                var rate = Fraction(Required(perp.Value, "maintenanceMarginRate", at), $"{at}.maintenanceMarginRate");
                rates[asset] = rate is > 0 and < 1 ? rate : throw Error($"{at}.maintenanceMarginRate", "must be above 0 and below 1");
            }
            return rates;
        }

        // The fund's balance per asset at the start, whole units exact in the asset's decimals (the live
        // fund counts base units).
        private Dictionary<AssetId, decimal> InsuranceFund(JsonElement element, string path)
        {
            Expect(element, JsonValueKind.Object, path);
            var balances = new Dictionary<AssetId, decimal>();
            foreach (var balance in element.EnumerateObject())
            {
                var asset = KnownAsset(balance.Name, path);
                var units = NonNegative(balance.Value, $"{path}.{balance.Name}");
                if (units.Scale > _decimals[asset] && decimal.Round(units, _decimals[asset]) != units)
                {
                    throw Error($"{path}.{balance.Name}", $"{units} has more digits than {asset}'s {_decimals[asset]} decimals");
                }
                balances[asset] = units;
            }
            return balances;
        }

        // Per asset: { "band": { "min", "max" }, "instrument": "perp" | "spot" (default perp), "costBasisPoints" }.
        private Dictionary<AssetId, Hedging.HedgePolicy> HedgingPolicies(JsonElement element, string path)
        {
            Expect(element, JsonValueKind.Object, path);
            var policies = new Dictionary<AssetId, Hedging.HedgePolicy>();
            foreach (var entry in element.EnumerateObject())
            {
                var asset = KnownAsset(entry.Name, path);
                var at = $"{path}.{entry.Name}";
                Expect(entry.Value, JsonValueKind.Object, at);
                Only(entry.Value, at, "band", "instrument", "costBasisPoints");
                var band = Required(entry.Value, "band", at);
                Expect(band, JsonValueKind.Object, $"{at}.band");
                Only(band, $"{at}.band", "min", "max");
                var (min, max) = (Number(Required(band, "min", $"{at}.band"), $"{at}.band.min"), Number(Required(band, "max", $"{at}.band"), $"{at}.band.max"));
                if (min > max)
                {
                    throw Error($"{at}.band", $"the minimum {min} is above the maximum {max}");
                }
                var instrument = Optional(entry.Value, "instrument") is { } i ? (i.ValueKind == JsonValueKind.String ? i.GetString() : i.GetRawText()) : "perp";
                policies[asset] = new Hedging.HedgePolicy(min, max,
                    instrument switch
                    {
                        "perp" => Margin.Hedging.HedgeInstrument.Perp,
                        "spot" => Margin.Hedging.HedgeInstrument.Spot,
                        _ => throw Error($"{at}.instrument", $"'{instrument}' is not perp or spot"),
                    },
                    NonNegative(Required(entry.Value, "costBasisPoints", at), $"{at}.costBasisPoints"));
            }
            return policies;
        }

        private static DateTimeOffset? LatestQuoteTime(JsonElement root)
        {
            if (Optional(root, "assets") is not { ValueKind: JsonValueKind.Array } assets)
            {
                return null;
            }
            DateTimeOffset? latest = null;
            foreach (var asset in assets.EnumerateArray())
            {
                if (asset.ValueKind == JsonValueKind.Object && Optional(asset, "prices") is { ValueKind: JsonValueKind.Array } prices)
                {
                    foreach (var quote in prices.EnumerateArray())
                    {
                        if (quote.ValueKind == JsonValueKind.Object && Optional(quote, "timestamp") is { } t && TryTime(t, out var time) && (latest is null || time > latest))
                        {
                            latest = time;
                        }
                    }
                }
            }
            return latest;
        }

        private MarginAsset Asset(JsonElement element, string path, DateTimeOffset now)
        {
            Expect(element, JsonValueKind.Object, path);
            Only(element, path, "symbol", "decimals", "ltv", "liquidationThreshold", "liquidationBonus", "price", "prices", "liquidationThresholdMin", "priceHistory", "volatilityModel");
            var symbol = String(Required(element, "symbol", path), $"{path}.symbol");
            if (!AssetId.IsValid(symbol))
            {
                throw Error($"{path}.symbol", $"'{symbol}' is not an asset symbol");
            }

            var id = new AssetId(symbol);
            var decimals = (int)Integer(Required(element, "decimals", path), $"{path}.decimals", 0, Amount.MaxDecimals);
            if (!_decimals.TryAdd(id, decimals))
            {
                throw Error($"{path}.symbol", $"asset {symbol} is defined twice");
            }

            var ltv = Fraction(Required(element, "ltv", path), $"{path}.ltv");
            var lt = Fraction(Required(element, "liquidationThreshold", path), $"{path}.liquidationThreshold");
            var bonus = Fraction(Required(element, "liquidationBonus", path), $"{path}.liquidationBonus");
            if (ltv > lt)
            {
                throw Error($"{path}.ltv", $"ltv {ltv} is above the liquidation threshold {lt}");
            }

            var risk = new RiskParams(ltv, lt, bonus);

            var fixedPrice = Optional(element, "price");
            var sources = Optional(element, "prices");
            if ((fixedPrice is null) == (sources is null))
            {
                throw Error(path, "give either \"price\" or \"prices\" (sources with timestamps)");
            }
            PriceQuote[] quotes;
            if (fixedPrice is { } fp)
            {
                quotes = [new PriceQuote("fixed", Price(fp, $"{path}.price"), now)];
            }
            else
            {
                Expect(sources!.Value, JsonValueKind.Array, $"{path}.prices");
                quotes = sources.Value.EnumerateArray().Select((q, i) =>
                {
                    var qp = $"{path}.prices[{i}]";
                    Expect(q, JsonValueKind.Object, qp);
                    Only(q, qp, "source", "price", "timestamp");
                    return new PriceQuote(String(Required(q, "source", qp), $"{qp}.source"), Price(Required(q, "price", qp), $"{qp}.price"), Time(Required(q, "timestamp", qp), $"{qp}.timestamp"));
                }).ToArray();
                if (quotes.Length == 0)
                {
                    throw Error($"{path}.prices", "at least one source is needed");
                }
            }

            decimal? ltMin = null;
            if (Optional(element, "liquidationThresholdMin") is { } m)
            {
                ltMin = Fraction(m, $"{path}.liquidationThresholdMin");
                if (ltMin > lt)
                {
                    throw Error($"{path}.liquidationThresholdMin", $"{ltMin} is above the liquidation threshold {lt}");
                }
            }
            var history = Optional(element, "priceHistory") is { } h
                ? ArrayOf(h, $"{path}.priceHistory").Select((x, i) => Positive(x, $"{path}.priceHistory[{i}]")).ToArray()
                : [];
            // The backtest's winner (bench/RESULTS.md, issue 25) is the default where a fit is possible.
            var model = history.Length - 1 >= GarchVolatility.MinimumReturns ? VolatilityModel.Garch : VolatilityModel.Ewma;
            if (Optional(element, "volatilityModel") is { } vm)
            {
                model = vm.ValueKind == JsonValueKind.String && Enum.TryParse<VolatilityModel>(vm.GetString(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(vm.GetString()![0])
                    ? parsed
                    : throw Error($"{path}.volatilityModel", $"{vm} is not ewma, garch or static");
            }
            if (model == VolatilityModel.Garch && ltMin is not null)
            {
                try
                {
                    GarchVolatility.Estimate(history);
                }
                catch (InputException error)
                {
                    throw Error($"{path}.priceHistory", error.Message.Split(": ", 2)[^1]);
                }
            }
            return new MarginAsset(id, decimals, risk, quotes, ltMin, history) { Model = model };
        }

        private MarginAccount Account(JsonElement element, string path)
        {
            Expect(element, JsonValueKind.Object, path);
            Only(element, path, "id", "collateral", "debt", "perps", "isolated");
            var id = String(Required(element, "id", path), $"{path}.id");
            if (string.IsNullOrWhiteSpace(id))
            {
                throw Error($"{path}.id", "the account id is empty");
            }

            var isolated = Optional(element, "isolated") is { } iso
                ? ArrayOf(iso, $"{path}.isolated").Select((e, i) =>
                {
                    var ip = $"{path}.isolated[{i}]";
                    Expect(e, JsonValueKind.Object, ip);
                    Only(e, ip, "id", "collateral", "debt", "perps");
                    return new IsolatedPosition(String(Required(e, "id", ip), $"{ip}.id"), Pool(e, ip));
                }).ToArray()
                : [];
            var duplicate = isolated.GroupBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate != null)
            {
                throw Error($"{path}.isolated", $"isolated position '{duplicate.Key}' appears twice");
            }

            return new MarginAccount(id, Pool(element, path), isolated);
        }

        private MarginPositions Pool(JsonElement element, string path)
        {
            var collateral = Optional(element, "collateral") is { } c
                ? ArrayOf(c, $"{path}.collateral").Select((e, i) =>
                {
                    var p = $"{path}.collateral[{i}]";
                    Expect(e, JsonValueKind.Object, p);
                    Only(e, p, "chain", "asset", "amount");
                    var asset = KnownAsset(String(Required(e, "asset", p), $"{p}.asset"), $"{p}.asset");
                    return new CollateralPosition(Chain(Required(e, "chain", p), $"{p}.chain"), asset, AmountOf(Required(e, "amount", p), asset, $"{p}.amount"));
                }).ToArray()
                : [];
            var debts = Optional(element, "debt") is { } d
                ? ArrayOf(d, $"{path}.debt").Select((e, i) =>
                {
                    var p = $"{path}.debt[{i}]";
                    Expect(e, JsonValueKind.Object, p);
                    Only(e, p, "asset", "amount");
                    var asset = KnownAsset(String(Required(e, "asset", p), $"{p}.asset"), $"{p}.asset");
                    return new Debt(asset, AmountOf(Required(e, "amount", p), asset, $"{p}.amount"));
                }).ToArray()
                : [];
            var perps = Optional(element, "perps") is { } ps
                ? ArrayOf(ps, $"{path}.perps").Select((e, i) =>
                {
                    var p = $"{path}.perps[{i}]";
                    Expect(e, JsonValueKind.Object, p);
                    Only(e, p, "market", "size", "entryPrice", "markPrice", "maintenanceMarginRate");
                    var mmr = Fraction(Required(e, "maintenanceMarginRate", p), $"{p}.maintenanceMarginRate");
                    if (mmr >= 1)
                    {
                        throw Error($"{p}.maintenanceMarginRate", "must be below 1");
                    }

                    return new PerpPosition(
                        String(Required(e, "market", p), $"{p}.market"), PerpSize(Required(e, "size", p), $"{p}.size"),
                        PositivePrice(Required(e, "entryPrice", p), $"{p}.entryPrice"), PositivePrice(Required(e, "markPrice", p), $"{p}.markPrice"), mmr);
                }).ToArray()
                : [];
            return new MarginPositions(collateral, debts, perps);
        }

        private Amount AmountOf(JsonElement element, AssetId asset, string path)
        {
            var text = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString()!,
                JsonValueKind.Number => element.GetRawText(),
                _ => throw Error(path, "expected an amount in whole units, e.g. \"1.5\""),
            };
            try
            {
                var amount = Amount.Parse(text, _decimals[asset], Rounding.Exact);
                // Reports are decimal and health is fixed point: reject what either cannot hold.
                _ = (decimal)amount.BaseUnits;
                _ = FixedPoint.Amount((UInt128)amount.BaseUnits, _decimals[asset], up: true);
                return amount;
            }
            catch (FormatException error)
            {
                throw Error(path, error.Message);
            }
            catch (OverflowException)
            {
                throw Error(path, $"'{text}' is too large to value");
            }
        }

        // A key the reader does not know is refused, never skipped: a misspelt or misplaced setting would
        // otherwise leave its default in force without a word ("settings" for "params" once did).
        private void Only(JsonElement element, string path, params string[] keys)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!keys.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw Error($"{path}.{property.Name}", $"unknown key '{property.Name}' (expected: {string.Join(", ", keys)})");
                }
            }
        }

        private AssetId KnownAsset(string symbol, string path) =>
            AssetId.IsValid(symbol) && _decimals.ContainsKey(new AssetId(symbol))
                ? new AssetId(symbol)
                : throw Error(path, $"unknown asset '{symbol}' (known: {string.Join(", ", _decimals.Keys)})");

        private ChainId Chain(JsonElement element, string path)
        {
            try
            {
                return ChainId.Parse(String(element, path));
            }
            catch (FormatException error)
            {
                throw Error(path, error.Message);
            }
        }

        private decimal Number(JsonElement element, string path)
        {
            var ok = element.ValueKind switch
            {
                JsonValueKind.Number => element.TryGetDecimal(out var n) ? n : (decimal?)null,
                JsonValueKind.String => decimal.TryParse(element.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) ? s : null,
                _ => null,
            };
            return ok ?? throw Error(path, $"expected a decimal number, found {element.GetRawText()}");
        }

        private decimal NonNegative(JsonElement element, string path)
        {
            var value = Number(element, path);
            return value >= 0 ? value : throw Error(path, $"{value} is negative");
        }

        // A price margin values: not negative, and at most CrossMarginBook.MaxPrice.
        private decimal Price(JsonElement element, string path)
        {
            var value = NonNegative(element, path);
            return value <= CrossMarginBook.MaxPrice ? value : throw Error(path, $"{value} is above the largest price valued, {CrossMarginBook.MaxPrice}");
        }

        private decimal PositivePrice(JsonElement element, string path) =>
            Price(element, path) is > 0 and var value ? value : throw Error(path, "must be above 0");

        // A perp's size in whole units (negative: short), below CrossMarginBook.MaxWholeUnits either way.
        private decimal PerpSize(JsonElement element, string path)
        {
            var value = Number(element, path);
            return Math.Abs(value) < CrossMarginBook.MaxWholeUnits ? value : throw Error(path, $"{value} is {CrossMarginBook.MaxWholeUnits} whole units or more");
        }

        private decimal Positive(JsonElement element, string path)
        {
            var value = Number(element, path);
            return value > 0 ? value : throw Error(path, $"{value} must be above 0");
        }

        private decimal Fraction(JsonElement element, string path)
        {
            var value = Number(element, path);
            return value is >= 0 and <= 1 ? value : throw Error(path, $"{value} is not between 0 and 1");
        }

        // Up to ten years, exactly in ticks (no binary floating point on the way).
        private TimeSpan Staleness(JsonElement element, string path)
        {
            const decimal MaxSeconds = 10 * 365 * 24 * 3600m;
            var seconds = Positive(element, path);
            return seconds <= MaxSeconds
                ? TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond))
                : throw Error(path, $"{seconds} seconds is more than ten years ({MaxSeconds} s)");
        }

        private long Integer(JsonElement element, string path, long min, long max) =>
            element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var v) && v >= min && v <= max
                ? v
                : throw Error(path, $"expected an integer {min}..{max}");

        private DateTimeOffset Time(JsonElement element, string path) =>
            TryTime(element, out var time) ? time : throw Error(path, "expected an ISO 8601 time such as 2026-11-24T12:00:00Z, or unix seconds");

        private static bool TryTime(JsonElement element, out DateTimeOffset time)
        {
            time = default;
            if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var seconds))
            {
                time = DateTimeOffset.FromUnixTimeSeconds(seconds);
                return true;
            }
            return element.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
        }

        private string String(JsonElement element, string path) =>
            element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Error(path, "expected a string");

        private JsonElement.ArrayEnumerator Array(JsonElement parent, string name, string path) => ArrayOf(Required(parent, name, path), $"{path}.{name}");

        private JsonElement.ArrayEnumerator ArrayOf(JsonElement element, string path)
        {
            Expect(element, JsonValueKind.Array, path);
            return element.EnumerateArray();
        }

        private JsonElement Required(JsonElement parent, string name, string path) =>
            parent.TryGetProperty(name, out var value) ? value : throw Error(path, $"\"{name}\" is missing");

        private static JsonElement? Optional(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        private void Expect(JsonElement element, JsonValueKind kind, string path)
        {
            if (element.ValueKind != kind)
            {
                throw Error(path, $"expected {(kind == JsonValueKind.Array ? "an array" : "an object")}");
            }
        }

        private InputException Error(string path, string problem) => new(problem, file: source, field: path);
    }
}
