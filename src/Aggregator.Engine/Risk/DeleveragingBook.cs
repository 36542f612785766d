using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Core.Positions;
using Aggregator.Margin.BadDebt;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Live;
using Aggregator.Messages;

namespace Aggregator.Engine.Risk;

/// <summary>
/// Live auto-deleveraging, the risk role's half (docs/margin.md, "Live auto-deleveraging"). A perp shortfall
/// the fund could not cover opens a deleveraging: each losing perp of the bankrupt account must close the
/// uncovered fraction of its size (rounded up to a base unit) at its bankruptcy price. Every engine partition
/// is asked for its best-ranked opposite positions; once all have answered, the answers are merged in the
/// one ranking order (<see cref="AutoDeleveraging.Ranked"/>) and the plan is announced once. Partition
/// answers and plans are on disk (written, then renamed) before they are acknowledged, so a restart neither
/// loses an answer nor plans twice.
/// </summary>
internal sealed class DeleveragingBook
{
    private readonly RiskSettings _settings;
    private readonly string? _path;
    private readonly object _gate = new();
    private readonly State _state;

    /// <exception cref="InputException">The state on disk is corrupt.</exception>
    public DeleveragingBook(RiskSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _path = settings.StateDirectory is null ? null : Path.Combine(settings.StateDirectory, "deleveraging.json");
        _state = RiskStateFile.Read(_path, DeleveragingJsonContext.Default.State, "the deleveraging state", state =>
        {
            if (state.Open is null || state.Planned is null || state.Open.Values.Any(o => o.Needs is null || o.Answers is null || o.Account is null))
            {
                throw new JsonException("open, planned, or an open deleveraging's account, needs or answers is missing");
            }
        }) ?? new State();
    }

    /// <summary>
    /// Opens the deleveraging of a perp shortfall of which <paramref name="uncovered"/> base units were not
    /// covered, and returns the request for candidates; the same request again while it is open (its answers
    /// may be missing), null once it is planned or when nothing is uncovered.
    /// </summary>
    /// <exception cref="InputException">A perp on an asset the market offers no perp on, in other decimals, or without size or prices.</exception>
    public DeleveragingCandidatesRequested? Open(BadDebtRecorded shortfall, BigInteger uncovered)
    {
        ArgumentNullException.ThrowIfNull(shortfall);
        lock (_gate)
        {
            if (_state.Planned.Contains(shortfall.Id) || uncovered.Sign <= 0 || shortfall.Amount.BaseUnits.Sign <= 0)
            {
                return null;
            }
            if (!_state.Open.TryGetValue(shortfall.Id, out var open))
            {
                if (shortfall.Perps.DistinctBy(p => p.Asset).Count() != shortfall.Perps.Count)
                {
                    throw new InputException($"deleveraging {shortfall.Id}: the account's perps name an asset twice", field: "perps");
                }
                var needs = shortfall.Perps.Select(perp =>
                {
                    Check(shortfall.Id, perp.Asset, perp.Size, perp.MarkPrice, perp.BankruptcyPrice);
                    // The uncovered fraction of the position, rounded up: what is closed covers at least what is left.
                    var size = perp.Size.BaseUnits;
                    var quantity = BigInteger.Min(size, BigInteger.DivRem(size * uncovered, shortfall.Amount.BaseUnits) is var (q, r) && r.IsZero ? q : q + 1);
                    return new Need { Asset = perp.Asset.Symbol, Short = perp.IsShort, Size = Text(size), Quantity = Text(quantity), MarkPrice = perp.MarkPrice, BankruptcyPrice = perp.BankruptcyPrice };
                }).Where(n => Parse(n.Quantity) > 0).ToList();
                if (needs.Count == 0)
                {
                    return null;
                }
                open = new Deleveraging { Account = shortfall.Account, Needs = needs, At = shortfall.At };
                _state.Open[shortfall.Id] = open;
                Save();
            }
            return new DeleveragingCandidatesRequested(shortfall.Id, open.Account,
                [.. open.Needs.Select(n => new DeleveragingNeed(new AssetId(n.Asset), !n.Short, Units(n.Asset, Parse(n.Quantity))))], open.At);
        }
    }

    /// <summary>
    /// Takes one partition's answer (its first answer for the id stands) and, once every partition of its
    /// layout has answered, plans the deleveraging; null until then, and for an id not open.
    /// </summary>
    /// <exception cref="InputException">A candidate on an asset or side the request did not ask for, or in other decimals.</exception>
    public DeleveragingPlanned? Answer(DeleveragingCandidatesReported answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        lock (_gate)
        {
            if (!_state.Open.TryGetValue(answer.Id, out var open) || answer.PartitionCount < 1 || answer.Partition < 0 || answer.Partition >= answer.PartitionCount)
            {
                return null;
            }
            // A partition answers for its own accounts, once each: another's, or one twice, would close a position twice.
            var partition = new Host.Bus.EnginePartition(answer.Partition, answer.PartitionCount);
            foreach (var candidate in answer.Candidates)
            {
                Check(answer.Id, candidate.Asset, candidate.Size, candidate.MarkPrice, candidate.EntryPrice);
                if (!open.Needs.Any(n => n.Asset == candidate.Asset.Symbol && n.Short != candidate.IsShort))
                {
                    throw new InputException($"deleveraging {answer.Id}: partition {answer.Partition} offers a {(candidate.IsShort ? "short" : "long")} {candidate.Asset} perp, which the request did not ask for", field: "candidates");
                }
                if (!partition.Owns(candidate.Account) || candidate.Account == open.Account)
                {
                    throw new InputException($"deleveraging {answer.Id}: partition {answer.Partition} of {answer.PartitionCount} offers account '{candidate.Account}', which it does not own or which is the bankrupt one", field: "candidates");
                }
            }
            if (answer.Candidates.DistinctBy(c => (c.Account, c.Asset)).Count() != answer.Candidates.Count)
            {
                throw new InputException($"deleveraging {answer.Id}: partition {answer.Partition} offers a position twice", field: "candidates");
            }
            if (answer.PartitionCount != open.Partitions)
            {
                // Repartitioned: only answers of one layout cover every account once.
                open.Answers.Clear();
                open.Partitions = answer.PartitionCount;
            }
            if (!open.Answers.TryAdd(answer.Partition, [.. answer.Candidates.Select(c => new Offer
            {
                Account = c.Account, Asset = c.Asset.Symbol, Size = Text(c.Size.BaseUnits), Short = c.IsShort, EntryPrice = c.EntryPrice, MarkPrice = c.MarkPrice, Equity = c.Equity,
            })]))
            {
                return null;
            }
            if (open.Answers.Count < open.Partitions)
            {
                Save();
                return null;
            }
            var planned = Plan(answer.Id, open, answer.At);
            _state.Open.Remove(answer.Id);
            _state.Planned.Add(answer.Id);
            Save();
            return planned;
        }
    }

    // The merged answers, closed need by need (AutoDeleveraging.Close): a position reduced for one need has less for the next.
    private DeleveragingPlanned Plan(string id, Deleveraging open, DateTimeOffset at)
    {
        var candidates = open.Answers.OrderBy(a => a.Key).SelectMany(a => a.Value).Select(o => new AutoDeleveraging.Candidate(
            o.Account, new PerpPosition(CrossMarginBook.PerpMarket(new AssetId(o.Asset)), Whole(o.Asset, Parse(o.Size)) * (o.Short ? -1 : 1), o.EntryPrice, o.MarkPrice, 0), o.Equity)).ToArray();
        var remaining = new Dictionary<AutoDeleveraging.Candidate, decimal>(ReferenceEqualityComparer.Instance);
        var reductions = new List<PerpReduction>();
        var unfilled = new List<DeleveragingNeed>();
        foreach (var need in open.Needs)
        {
            var shortfall = new AutoDeleveraging.Shortfall(open.Account, CrossMarginBook.PerpMarket(new AssetId(need.Asset)),
                Whole(need.Asset, Parse(need.Size)) * (need.Short ? -1 : 1), need.MarkPrice, need.BankruptcyPrice, Whole(need.Asset, Parse(need.Quantity)));
            var (closed, left) = AutoDeleveraging.Close(shortfall, candidates, remaining);
            reductions.AddRange(closed.Select(r => new PerpReduction(new AssetId(need.Asset), r.BankruptcyPrice, r.Pool, !need.Short, Units(need.Asset, BaseUnits(need.Asset, r.Quantity)), r.Rank)));
            if (left > 0)
            {
                unfilled.Add(new DeleveragingNeed(new AssetId(need.Asset), !need.Short, Units(need.Asset, BaseUnits(need.Asset, left))));
            }
        }
        return new DeleveragingPlanned(id, open.Account, reductions, unfilled, at);
    }

    private void Check(string id, AssetId asset, Amount size, decimal first, decimal second)
    {
        if (!_settings.Market.Contains(asset) || !_settings.Market.Settings.PerpMaintenanceMarginRates.ContainsKey(asset) || size.Decimals != _settings.Market[asset].Decimals
            || size.BaseUnits.Sign <= 0 || first is <= 0 or > EngineBook.MaxPrice || second is <= 0 or > EngineBook.MaxPrice
            || Whole(asset.Symbol, size.BaseUnits) >= CrossMarginBook.MaxWholeUnits)
        {
            throw new InputException($"deleveraging {id}: a perp of {size.BaseUnits} base units of {asset} at {size.Decimals} decimals, priced {first} and {second}: not a perp the market offers in its decimals, or without size, or a price not positive or above the engine's largest", field: "perps");
        }
    }

    private decimal Whole(string asset, BigInteger baseUnits) =>
        baseUnits < new BigInteger(decimal.MaxValue) ? PoolEvaluator.WholeUnits(baseUnits, _settings.Market[new AssetId(asset)]) : decimal.MaxValue;

    // Exact: every quantity is a whole number of base units (sizes are, and so is what is taken of them).
    private BigInteger BaseUnits(string asset, decimal whole) => new(whole * _settings.Market[new AssetId(asset)].UnitScale);

    private Amount Units(string asset, BigInteger baseUnits) => new(baseUnits, _settings.Market[new AssetId(asset)].Decimals);

    private static BigInteger Parse(string text) => BigInteger.Parse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);

    private static string Text(BigInteger value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Save() => RiskStateFile.Write(_path, _state, DeleveragingJsonContext.Default.State);

    internal sealed class State
    {
        public Dictionary<string, Deleveraging> Open { get; set; } = new(StringComparer.Ordinal);

        public HashSet<string> Planned { get; set; } = new(StringComparer.Ordinal);
    }

    internal sealed class Deleveraging
    {
        public string Account { get; set; } = "";

        public DateTimeOffset At { get; set; }

        public List<Need> Needs { get; set; } = [];

        public int Partitions { get; set; }

        public Dictionary<int, List<Offer>> Answers { get; set; } = [];
    }

    // A bankrupt perp (its side, size and prices) and the quantity of it to close.
    internal sealed class Need
    {
        public string Asset { get; set; } = "";

        public bool Short { get; set; }

        public string Size { get; set; } = "0";

        public string Quantity { get; set; } = "0";

        public decimal MarkPrice { get; set; }

        public decimal BankruptcyPrice { get; set; }
    }

    internal sealed class Offer
    {
        public string Account { get; set; } = "";

        public string Asset { get; set; } = "";

        public string Size { get; set; } = "0";

        public bool Short { get; set; }

        public decimal EntryPrice { get; set; }

        public decimal MarkPrice { get; set; }

        public decimal Equity { get; set; }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, NumberHandling = JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DeleveragingBook.State))]
internal sealed partial class DeleveragingJsonContext : JsonSerializerContext;
