using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Errors;
using Aggregator.Messages;

namespace Aggregator.Engine.Risk;

/// <summary>
/// The institution's insurance fund and deficits, one owner for all engine partitions (docs/margin.md,
/// "Live bad debt"). Per asset, in base units: the fund's balance, what liquidations paid in, what it
/// drew, the deficits recorded and what of them is still uncovered. A liquidation's fee is credited and a
/// deficit recorded once each (by id); then the fund covers what is outstanding as far as its balance
/// goes; a perp shortfall is paid as far as the balance goes at once, and the rest is deleveraged. So
/// balance − outstanding = start + credited − recorded + deleveraged always, and (without perp shortfalls,
/// whose split depends on the balance when they come) with one of the two at zero,
/// the figures depend only on which events arrived, never on their order: two partitions give exactly
/// what one gives. Every change is on disk (written, then renamed over the last) before it is answered.
/// </summary>
internal sealed class InsuranceFundBook
{
    private readonly string? _path;
    private readonly object _gate = new();
    private readonly State _state;

    /// <param name="start">The fund where it starts, used only when no state is on disk yet.</param>
    /// <param name="path">Where the state is kept (none: in memory only).</param>
    /// <exception cref="InputException">The state on disk is corrupt.</exception>
    public InsuranceFundBook(IReadOnlyDictionary<AssetId, Amount> start, string? path)
    {
        ArgumentNullException.ThrowIfNull(start);
        _path = path;
        _state = RiskStateFile.Read(path, InsuranceFundJsonContext.Default.State, "the insurance fund's state", state =>
        {
            if (state.Assets is null || state.Applied is null || state.Uncovered is null)
            {
                throw new JsonException("assets, applied or uncovered is missing");
            }
            foreach (var fund in state.Assets.Values)
            {
                _ = new Figures(fund); // every figure a count of base units, or the file is refused now rather than at first use
            }
            foreach (var passed in state.Uncovered.Values)
            {
                _ = Figures.Parse(passed);
            }
        }) ?? new State
        {
            Assets = start.ToDictionary(f => f.Key.Symbol, f => new AssetFund { Decimals = f.Value.Decimals, Balance = f.Value.BaseUnits.ToString(System.Globalization.CultureInfo.InvariantCulture) }, StringComparer.Ordinal),
        };
    }

    /// <summary>Credits a liquidation's fee once; null when <paramref name="entryId"/> was credited before.</summary>
    /// <exception cref="InputException">The fee is negative, or in other decimals than the fund counts the asset in.</exception>
    public InsuranceFundChanged? Credit(string entryId, AssetId asset, Amount fee, DateTimeOffset at) =>
        Apply($"liquidation:{entryId}", entryId, Movement.Credit, asset, fee, at).Changed;

    /// <summary>Records a deficit once and covers what it can; null when <paramref name="id"/> was recorded before.</summary>
    /// <exception cref="InputException">The amount is negative, or in other decimals than the fund counts the asset in.</exception>
    public InsuranceFundChanged? RecordDeficit(string id, AssetId asset, Amount amount, DateTimeOffset at) =>
        Apply($"deficit:{id}", id, Movement.Deficit, asset, amount, at).Changed;

    /// <summary>
    /// Records a perp shortfall once: the fund pays what its balance allows now, and the rest is passed to
    /// auto-deleveraging (counted as deleveraged, never outstanding: later fees do not pay it a second
    /// time). Returns the movement (null when <paramref name="id"/> was recorded before) and the part
    /// passed on, the same on every call for the id.
    /// </summary>
    public (InsuranceFundChanged? Changed, BigInteger Uncovered) CoverPerpShortfall(string id, AssetId asset, Amount amount, DateTimeOffset at) =>
        Apply($"perp:{id}", id, Movement.PerpShortfall, asset, amount, at);

    /// <summary>The fund of <paramref name="asset"/> now: balance, credited, drawn, recorded, outstanding (base units).</summary>
    public (BigInteger Balance, BigInteger Credited, BigInteger Drawn, BigInteger Recorded, BigInteger Outstanding) Of(AssetId asset)
    {
        lock (_gate)
        {
            if (!_state.Assets.TryGetValue(asset.Symbol, out var fund))
            {
                return default;
            }
            var f = new Figures(fund);
            return (f.Balance, f.Credited, f.Drawn, f.Recorded, f.Outstanding);
        }
    }

    /// <summary>What of <paramref name="asset"/>'s perp shortfalls the fund passed to auto-deleveraging (base units).</summary>
    public BigInteger Deleveraged(AssetId asset)
    {
        lock (_gate)
        {
            return _state.Assets.TryGetValue(asset.Symbol, out var fund) ? new Figures(fund).Deleveraged : 0;
        }
    }

    private enum Movement
    {
        Credit,
        Deficit,
        PerpShortfall,
    }

    private (InsuranceFundChanged? Changed, BigInteger Uncovered) Apply(string key, string cause, Movement movement, AssetId asset, Amount amount, DateTimeOffset at)
    {
        if (amount.BaseUnits.Sign < 0)
        {
            throw new InputException($"{cause}: {amount.BaseUnits} base units of {asset}, below zero", field: "amount");
        }
        lock (_gate)
        {
            if (_state.Applied.Contains(key))
            {
                return (null, _state.Uncovered.TryGetValue(key, out var passed) ? Figures.Parse(passed) : 0);
            }
            if (!_state.Assets.TryGetValue(asset.Symbol, out var fund))
            {
                fund = new AssetFund { Decimals = amount.Decimals };
            }
            else if (fund.Decimals != amount.Decimals)
            {
                throw new InputException($"{cause}: {asset} in {amount.Decimals} decimals; the fund counts it in {fund.Decimals}", field: "amount");
            }
            var figures = new Figures(fund);
            var before = (figures.Credited, figures.Drawn);
            BigInteger uncovered = 0;
            switch (movement)
            {
                case Movement.Credit:
                    figures.Credited += amount.BaseUnits;
                    figures.Balance += amount.BaseUnits;
                    break;
                case Movement.Deficit:
                    figures.Recorded += amount.BaseUnits;
                    figures.Outstanding += amount.BaseUnits;
                    break;
                case Movement.PerpShortfall:
                    // Paid now as far as the balance goes (with deficits outstanding the balance is already
                    // zero); the rest is the counterparties', at the bankruptcy prices.
                    var paid = BigInteger.Min(figures.Balance, amount.BaseUnits);
                    uncovered = amount.BaseUnits - paid;
                    figures.Recorded += amount.BaseUnits;
                    figures.Balance -= paid;
                    figures.Drawn += paid;
                    figures.Deleveraged += uncovered;
                    break;
            }
            // The fund pays what is outstanding as far as it goes, whichever arrived first.
            var draw = BigInteger.Min(figures.Balance, figures.Outstanding);
            figures.Balance -= draw;
            figures.Outstanding -= draw;
            figures.Drawn += draw;
            var next = new State
            {
                Assets = new Dictionary<string, AssetFund>(_state.Assets, StringComparer.Ordinal) { [asset.Symbol] = figures.ToFund(fund.Decimals) },
                Applied = [.. _state.Applied, key],
                Uncovered = movement == Movement.PerpShortfall ? new(_state.Uncovered, StringComparer.Ordinal) { [key] = Figures.Text(uncovered) } : _state.Uncovered,
            };
            RiskStateFile.Write(_path, next, InsuranceFundJsonContext.Default.State);
            _state.Assets = next.Assets;
            _state.Applied = next.Applied;
            _state.Uncovered = next.Uncovered;
            Amount Units(BigInteger value) => new(value, fund.Decimals);
            var changed = new InsuranceFundChanged(cause, asset, Units(figures.Credited - before.Credited), Units(figures.Drawn - before.Drawn), Units(figures.Balance), Units(figures.Outstanding), at)
            {
                Deleveraged = movement == Movement.PerpShortfall ? Units(uncovered) : null,
            };
            return (changed, uncovered);
        }
    }

    // One asset's figures as integers while they change.
    private sealed class Figures(AssetFund fund)
    {
        public BigInteger Balance = Parse(fund.Balance);
        public BigInteger Credited = Parse(fund.Credited);
        public BigInteger Drawn = Parse(fund.Drawn);
        public BigInteger Recorded = Parse(fund.Recorded);
        public BigInteger Outstanding = Parse(fund.Outstanding);
        public BigInteger Deleveraged = Parse(fund.Deleveraged);

        public AssetFund ToFund(int decimals) => new()
        {
            Decimals = decimals, Balance = Text(Balance), Credited = Text(Credited), Drawn = Text(Drawn), Recorded = Text(Recorded), Outstanding = Text(Outstanding), Deleveraged = Text(Deleveraged),
        };

        public static BigInteger Parse(string text) => BigInteger.Parse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);

        public static string Text(BigInteger value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    internal sealed class State
    {
        public Dictionary<string, AssetFund> Assets { get; set; } = new(StringComparer.Ordinal);

        public HashSet<string> Applied { get; set; } = new(StringComparer.Ordinal);

        /// <summary>Per perp shortfall recorded, the part passed to auto-deleveraging.</summary>
        public Dictionary<string, string> Uncovered { get; set; } = new(StringComparer.Ordinal);
    }

    internal sealed class AssetFund
    {
        public int Decimals { get; set; }

        public string Balance { get; set; } = "0";

        public string Credited { get; set; } = "0";

        public string Drawn { get; set; } = "0";

        public string Recorded { get; set; } = "0";

        public string Outstanding { get; set; } = "0";

        public string Deleveraged { get; set; } = "0";
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(InsuranceFundBook.State))]
internal sealed partial class InsuranceFundJsonContext : JsonSerializerContext;
