using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Hedging;
using Aggregator.Messages;

namespace Aggregator.Engine.Risk;

/// <summary>
/// The institution's net exposure per asset and the hedges that bring it back within its bands
/// (docs/margin.md, "Hedging proposals"), owned by the risk role: what accounts hold and owe comes from
/// every engine partition's latest <see cref="ExposureReported"/>, what the institution holds from the
/// prover's latest <see cref="ReservesObserved"/>, and the desk's positions from <see cref="LedgerEntryKind.DeskSpot"/>
/// and <see cref="LedgerEntryKind.DeskPerp"/> entries (each applied once, by id). The desk's positions
/// and the reserves are kept on disk (written, then renamed); the partitions' reports come again every
/// few seconds.
/// </summary>
internal sealed class ExposureBook
{
    private readonly RiskSettings _settings;
    private readonly string? _path;
    private readonly object _gate = new();
    private readonly State _state;
    private readonly Dictionary<int, ExposureReported> _reports = [];
    private int _partitions;
    private string? _lastProposed;

    /// <exception cref="InputException">The state on disk is corrupt.</exception>
    public ExposureBook(RiskSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _path = settings.StateDirectory is null ? null : Path.Combine(settings.StateDirectory, "desk.json");
        _state = RiskStateFile.Read(_path, ExposureJsonContext.Default.State, "the desk's state", state =>
        {
            if (state.Desk is null || state.Reserves is null || state.Applied is null)
            {
                throw new JsonException("desk, reserves or applied is missing");
            }
        }) ?? new State();
    }

    /// <summary>Sets the desk's spot or perp position in an asset once per entry id; false for any other entry, or one applied before.</summary>
    /// <exception cref="InputException">An asset the market does not list, other decimals, or a short spot position.</exception>
    public bool ApplyDesk(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind is not (LedgerEntryKind.DeskSpot or LedgerEntryKind.DeskPerp))
        {
            return false;
        }
        if (!_settings.Market.Contains(entry.Asset) || entry.Amount.Decimals != _settings.Market[entry.Asset].Decimals)
        {
            throw new InputException($"ledger entry {entry.EntryId}: {entry.Asset} in {entry.Amount.Decimals} decimals is not an asset of the market in its decimals", field: "asset");
        }
        if (entry.IsShort && entry.Kind == LedgerEntryKind.DeskSpot)
        {
            throw new InputException($"ledger entry {entry.EntryId}: a spot holding is not short (a short is a perp)", field: "isShort");
        }
        lock (_gate)
        {
            if (_state.Applied.Contains(entry.EntryId))
            {
                return false;
            }
            var units = Whole(entry.Amount.BaseUnits, entry.Asset) * (entry.IsShort ? -1 : 1);
            if (Math.Abs(units) >= MaxDeskUnits)
            {
                // Taken, it would stop every later proposal at the planner's bounds: refused here, by its entry.
                throw new InputException($"ledger entry {entry.EntryId}: a desk position of {units} {entry.Asset}, 10^15 units or more", field: "amount");
            }
            var position = _state.Desk.TryGetValue(entry.Asset.Symbol, out var known) ? known : new DeskPosition();
            position = entry.Kind == LedgerEntryKind.DeskSpot ? position with { Spot = units } : position with { Perp = units };
            _state.Desk[entry.Asset.Symbol] = position;
            _state.Applied.Add(entry.EntryId);
            Save();
            return true;
        }
    }

    /// <summary>Takes the reserves of an epoch later than the one held (the institution's holdings).</summary>
    public void SetReserves(ReservesObserved reserves)
    {
        ArgumentNullException.ThrowIfNull(reserves);
        lock (_gate)
        {
            if (reserves.Epoch <= _state.ReservesEpoch)
            {
                return;
            }
            _state.ReservesEpoch = reserves.Epoch;
            _state.Reserves = reserves.Totals.Where(t => _settings.Market.Contains(t.Asset))
                .ToDictionary(t => t.Asset.Symbol, t => (decimal)t.Amount.BaseUnits / (decimal)BigInteger.Pow(10, t.Amount.Decimals), StringComparer.Ordinal);
            Save();
        }
    }

    /// <summary>
    /// Takes a partition's report and, once every partition's is in and recent, proposes the hedges; null
    /// while a partition is missing, or when nothing changed since the last proposal.
    /// </summary>
    /// <exception cref="InputException">An exposure beyond the planner's bounds, naming its asset.</exception>
    public HedgeProposed? Report(ExposureReported report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            if (report.PartitionCount != _partitions)
            {
                // Repartitioned: only reports of the new layout add up to the institution.
                _reports.Clear();
                _partitions = report.PartitionCount;
            }
            _reports[report.Partition] = report;
            var reports = _reports.OrderBy(r => r.Key).Select(r => r.Value).ToArray();
            if (reports.Length < _partitions || reports.Any(r => report.At - r.At > _settings.ReportMaxAge))
            {
                return null; // a partition silent or behind: its accounts would be missing or stale
            }
            var exposures = new List<AssetExposure>();
            foreach (var (asset, policy) in _settings.Market.Settings.Hedging.OrderBy(h => h.Key.Symbol, StringComparer.Ordinal))
            {
                var totals = reports.Select(r => r.Assets.FirstOrDefault(a => a.Asset == asset)).ToArray();
                // Priced by the first partition's book; an asset frozen there is not hedged until it is priced.
                if (totals.Any(t => t is null) || totals[0]!.OracleStatus != "ok" || totals[0]!.Price <= 0)
                {
                    continue;
                }
                var desk = _state.Desk.TryGetValue(asset.Symbol, out var position) ? position : new DeskPosition();
                exposures.Add(new AssetExposure(
                    asset, _settings.Market[asset].Decimals, totals[0]!.Price,
                    Whole(totals.Aggregate(BigInteger.Zero, (sum, t) => sum + t!.Collateral.BaseUnits), asset),
                    _state.Reserves.GetValueOrDefault(asset.Symbol), desk.Spot, desk.Perp, policy.BandMin, policy.BandMax, policy.Instrument, policy.CostBasisPoints)
                {
                    Lent = Whole(totals.Aggregate(BigInteger.Zero, (sum, t) => sum + t!.Lent.BaseUnits), asset),
                });
            }
            var orders = HedgePlanner.Propose(exposures).Select(p => new HedgeOrder(
                p.Asset, p.Instrument == HedgeInstrument.Perp ? "perp" : "spot", p.Buy ? "buy" : "sell", p.Size, p.Price, p.Notional, p.Cost, p.NetValueBefore, p.NetValueAfter)).ToArray();
            var proposal = new HedgeProposed(
                [.. exposures.Select(e => new NetExposure(e.Asset, e.Price, e.Owed, e.Lent, e.Held, e.DeskSpot, e.DeskPerp, e.NetUnits, e.NetValue))], orders, report.At);
            var signature = string.Join('|', proposal.Exposures.Select(e => e.ToString()).Concat(orders.Select(o => o.ToString())));
            if (signature == _lastProposed)
            {
                return null;
            }
            _lastProposed = signature;
            return proposal;
        }
    }

    // The hedging planner's bound on an amount (docs/margin.md, "Numbers").
    private const decimal MaxDeskUnits = 1_000_000_000_000_000m;

    private decimal Whole(BigInteger baseUnits, AssetId asset)
    {
        var state = _settings.Market[asset];
        return baseUnits < new BigInteger(decimal.MaxValue)
            ? PoolEvaluator.WholeUnits(baseUnits, state)
            : throw new InputException($"{baseUnits} base units of {asset}: beyond what the risk role values", field: asset.Symbol);
    }

    private void Save() => RiskStateFile.Write(_path, _state, ExposureJsonContext.Default.State);

    internal sealed record DeskPosition
    {
        public decimal Spot { get; init; }

        public decimal Perp { get; init; }
    }

    internal sealed class State
    {
        public Dictionary<string, DeskPosition> Desk { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, decimal> Reserves { get; set; } = new(StringComparer.Ordinal);

        public ulong ReservesEpoch { get; set; }

        public HashSet<string> Applied { get; set; } = new(StringComparer.Ordinal);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, NumberHandling = JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ExposureBook.State))]
internal sealed partial class ExposureJsonContext : JsonSerializerContext;
