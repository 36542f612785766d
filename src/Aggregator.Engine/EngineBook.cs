using Aggregator.Core.Chains;
using Aggregator.Core.Errors;
using Aggregator.Core.Observations;
using Aggregator.Host.Bus;
using Aggregator.Margin.Live;

namespace Aggregator.Engine;

/// <summary>
/// The engine's state: the live margin book, and per chain the height and block hash last applied, so
/// that every batch is applied at most once. A batch at an older height than the last applied one, or
/// the same height and hash again, changes nothing; a batch at the same height under another hash is a
/// reorg correction and is applied only if it names the hash it replaces. One writer at a time (the
/// consumers serialize on this object). A partitioned replica's book holds its own accounts only;
/// <c>otherPartitions</c> names the rest, whose ledger entries it passes over instead of refusing.
/// Until every chain of the book has had a batch applied, the book is still being rebuilt (after a start
/// or a restart) and no health change is handed out: an account whose debts are back but whose
/// collateral is not would otherwise be reported liquidatable. The changes kept meanwhile come out with
/// the write that completes the rebuild.
/// </summary>
internal sealed class EngineBook(
    CrossMarginBook book,
    IReadOnlySet<string>? otherPartitions = null,
    EnginePartition partition = default,
    IReadOnlySet<(Core.Assets.AssetId Asset, string Source)>? priceSources = null,
    Func<ChainId, HeightAdvance>? advanceOf = null,
    TimeProvider? clock = null)
{
    /// <summary>How far ahead of this engine's clock a quote may be stamped: clocks differ, but a quote from the future would outrank every real one.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>The largest price taken for one whole unit: the book's (<see cref="CrossMarginBook.MaxPrice"/>).</summary>
    public const decimal MaxPrice = CrossMarginBook.MaxPrice;

    private readonly Dictionary<ChainId, (ulong Height, string BlockHash, DateTimeOffset At)> _applied = [];
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    // Per chain, the height of the last closed epoch (and which): no batch below it is taken.
    private readonly Dictionary<ChainId, (ulong Height, ulong Epoch)> _floor = [];
    // Per chain, what keeps the book from being the chain at the applied height: the applied batch's
    // deposit addresses that could not be read (their balances are older), and a later batch refused.
    private readonly Dictionary<(int Account, int Asset), UInt128> _debts = [];
    private readonly HashSet<string> _entries = new(StringComparer.Ordinal);
    // Accounts liquidated (by an executed liquidation) whose deficit is not recorded yet, with that liquidation's entry id.
    private readonly SortedDictionary<int, string> _liquidated = [];
    // What the insurance fund's owner (the risk role) must hear: every liquidation and deficit applied,
    // those replayed from the journal included (their first announcement may have been lost with the
    // process); taken off only once published. The risk role applies each id once.
    private readonly List<object> _unannounced = [];
    // Each account's perps, exactly as the books gave them (base units; the live book keeps whole units),
    // with the entry that set each account's perps last: a perp shortfall is recorded once per such state.
    private readonly Dictionary<(int Account, int Asset), (UInt128 Size, bool Short)> _perps = [];
    private readonly Dictionary<int, string> _perpState = [];
    private readonly Dictionary<int, string> _perpShortfalls = [];
    // Requests for deleveraging candidates that came while the book was being rebuilt: answered once it is.
    private readonly List<Messages.DeleveragingCandidatesRequested> _heldRequests = [];
    private readonly Dictionary<(Core.Assets.AssetId Asset, string Source), Core.Risk.PriceQuote> _quotes = [];
    private readonly object _gate = new();
    private bool _rebuilt;
    // The accounts whose collateral, debts, status or band a write changed since the last views (one bit
    // each; every account when the rebuild completes), and whether a write moved the heights or prices
    // since then. The sequence counts views taken, so a reader keeps the newest view of an account.
    private ulong[] _unshown = [];
    private int _unshownFrom; // where the next take of views starts (a word of _unshown)
    private bool _viewsOwed;
    private ulong _sequence;

    public CrossMarginBook Book => book;

    /// <summary>Where the parts of a large batch wait for the rest (the book takes whole batches only).</summary>
    public CollateralAssembly Assembly { get; } = new();

    /// <summary>Whether every chain of the book has had a batch applied (health changes are handed out only then).</summary>
    public bool Rebuilt
    {
        get
        {
            lock (_gate)
            {
                return _applied.Count == book.Chains.Count;
            }
        }
    }

    /// <summary>How many ledger entries have been applied.</summary>
    public int LedgerEntriesApplied
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The height last applied for a chain, or null before its first batch.</summary>
    public ulong? AppliedHeight(ChainId chain)
    {
        lock (_gate)
        {
            return _applied.TryGetValue(chain, out var last) ? last.Height : null;
        }
    }

    /// <summary>The outcome of offering a batch: applied (with the health changes it caused) or why not.</summary>
    public sealed record Outcome(bool Applied, string Reason, IReadOnlyList<HealthChange> Changes)
    {
        /// <summary>The deficits this write recorded (docs/margin.md, "Live bad debt"): to go in the journal before the write is acknowledged.</summary>
        public IReadOnlyList<Messages.LedgerEntry> Deficits { get; init; } = [];
    }

    /// <exception cref="InputException">The batch names an asset the book does not know, or other decimals than the book's.</exception>
    public Outcome Apply(ObservationBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate)
        {
            if (_applied.TryGetValue(batch.Chain, out var last))
            {
                if (batch.Height < last.Height)
                {
                    return new Outcome(false, $"height {batch.Height} is older than the applied {last.Height}", []);
                }
                if (batch.Height == last.Height && batch.BlockHash == last.BlockHash)
                {
                    return new Outcome(false, $"height {batch.Height} ({batch.BlockHash}) is already applied", []);
                }
                if (batch.Height == last.Height && batch.ReplacesBlockHash != last.BlockHash)
                {
                    return new Outcome(false, $"height {batch.Height} arrives under {batch.BlockHash} without replacing the applied {last.BlockHash}", []);
                }
                var advance = (advanceOf ?? (_ => HeightAdvance.Default))(batch.Chain);
                var elapsed = _clock.GetUtcNow() - last.At;
                if (batch.Height > advance.Limit(last.Height, elapsed))
                {
                    throw new InputException($"{batch.Chain} at height {batch.Height}: {batch.Height - last.Height} blocks past the applied {last.Height}, more than the chain makes in {elapsed.TotalSeconds:0} s ({advance.Blocks} + {advance.PerSecond} a second): a height the chain has not reached", field: "height");
                }
            }
            // Checked after the above: a batch older than the one applied is passed over quietly as before.
            if (_floor.TryGetValue(batch.Chain, out var floor) && batch.Height < floor.Height)
            {
                throw new InputException($"{batch.Chain} at height {batch.Height} is below {floor.Height}, where epoch {floor.Epoch} was closed: an older state than a closed epoch", field: "height");
            }
            var chain = book.ChainIndex(batch.Chain);
            var balances = batch.Balances;
            var assetOf = new int[balances.Count];
            // Checked once per batch, not per balance: the asset's index and the base units from which a
            // holding is beyond what the book values.
            var assets = new Dictionary<(Core.Assets.AssetId, int), (int Index, System.Numerics.BigInteger Beyond)>();
            for (var i = 0; i < assetOf.Length; i++)
            {
                var balance = balances[i];
                if (!assets.TryGetValue((balance.Asset, balance.Amount.Decimals), out var asset))
                {
                    var index = AssetIndex(balance.Asset, batch);
                    var expected = book.Market[balance.Asset].Decimals;
                    if (balance.Amount.Decimals != expected)
                    {
                        throw new InputException($"{balance.Asset} arrives with {balance.Amount.Decimals} decimals from {batch.Chain} at height {batch.Height}; the book counts it in {expected}", field: "balances");
                    }
                    asset = (index, System.Numerics.BigInteger.Pow(10, expected) * new System.Numerics.BigInteger(CrossMarginBook.MaxWholeUnits));
                    assets.Add((balance.Asset, balance.Amount.Decimals), asset);
                }
                // Holdings are kept exactly, whatever their size (liabilities come from them), but valued in
                // decimal: one beyond what the book values is refused whole, with the reason (the chain's
                // close then stops, naming it), rather than failing inside the book.
                if (balance.Amount.BaseUnits.Sign < 0 || balance.Amount.BaseUnits >= asset.Beyond)
                {
                    throw new InputException($"{balance.Address} holds {balance.Amount.BaseUnits} base units of {balance.Asset} on {batch.Chain} at height {batch.Height}: negative, or {CrossMarginBook.MaxWholeUnits} whole units or more, beyond what the engine values", field: "balances");
                }
                assetOf[i] = asset.Index;
            }
            // Finding each address's account is half the engine's work per balance (cache misses in a
            // million-entry table): on both cores for a large batch, each thread its own slice.
            var addresses = new string[balances.Count];
            for (var i = 0; i < addresses.Length; i++)
            {
                addresses[i] = balances[i].Address;
            }
            var accounts = new int[addresses.Length];
            var found = new CollateralChange?[addresses.Length];
            var slices = addresses.Length < ParallelLookups ? 1 : Environment.ProcessorCount;
            Parallel.For(0, slices, slice =>
            {
                var start = (int)((long)addresses.Length * slice / slices);
                var end = (int)((long)addresses.Length * (slice + 1) / slices);
                book.FindAccounts(chain, addresses.AsSpan(start..end), accounts.AsSpan(start..end));
                for (var i = start; i < end; i++)
                {
                    if (accounts[i] >= 0) // else not a deposit address (a reserve address, say)
                    {
                        found[i] = new CollateralChange(accounts[i], chain, assetOf[i], (UInt128)balances[i].Amount.BaseUnits);
                    }
                }
            });
            var changes = new CollateralChange[found.Length];
            var count = 0;
            foreach (var change in found)
            {
                if (change is { } known)
                {
                    changes[count++] = known;
                }
            }
            var moved = new int[count];
            foreach (var account in moved.AsSpan(0, book.SetCollateral(changes.AsSpan(0, count), moved)))
            {
                Unshown(account);
            }
            _applied[batch.Chain] = (batch.Height, batch.BlockHash, _clock.GetUtcNow());
            var deficits = RecordDeficits(_liquidated.Count == 0 ? [] : [.. changes.Take(count).Select(c => c.Account)]);
            var health = TakeHealthChanges();
            return new Outcome(true, $"{count} balances of {batch.Chain} at height {batch.Height} applied", health) { Deficits = deficits };
        }
    }

    /// <summary>
    /// Raises the floor below which no batch is taken to the heights a closed epoch was taken at (a floor
    /// never goes down), and returns the whole floor (to keep on disk).
    /// </summary>
    public IReadOnlyDictionary<ChainId, (ulong Height, ulong Epoch)> RaiseFloor(ulong epoch, IEnumerable<(ChainId Chain, ulong Height)> heights) =>
        RaiseFloor(heights.Select(h => (h.Chain, (h.Height, epoch))));

    /// <summary>Raises the floor to heights each recorded with its epoch (as kept on disk).</summary>
    public IReadOnlyDictionary<ChainId, (ulong Height, ulong Epoch)> RaiseFloor(IEnumerable<(ChainId Chain, (ulong Height, ulong Epoch) At)> heights)
    {
        ArgumentNullException.ThrowIfNull(heights);
        lock (_gate)
        {
            foreach (var (chain, at) in heights)
            {
                if (!_floor.TryGetValue(chain, out var floor) || at.Height > floor.Height)
                {
                    _floor[chain] = at;
                }
            }
            return new Dictionary<ChainId, (ulong, ulong)>(_floor);
        }
    }

    /// <summary>
    /// Applies a ledger entry from the institution's books once (by its id): a borrow adds to the
    /// account's debt, a repayment takes from it, an executed liquidation takes what the liquidator repaid
    /// (and marks the account liquidated: once the chains show none of its collateral, what it still owes
    /// is recorded as a deficit), and a deficit (from the journal) writes its amount off. Deposits and
    /// withdrawals held off chain are not collateral the engine counts yet, so they are acknowledged and
    /// change nothing.
    /// </summary>
    /// <exception cref="InputException">An unknown account, asset or chain, other decimals, a repayment larger than the debt, or a liquidation without what it seized.</exception>
    public Outcome Apply(Messages.LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind is Messages.LedgerEntryKind.DeskSpot or Messages.LedgerEntryKind.DeskPerp)
        {
            return new Outcome(false, $"ledger entry {entry.EntryId} is the desk's position: the risk role keeps it", []);
        }
        lock (_gate)
        {
            if (_entries.Contains(entry.EntryId))
            {
                return new Outcome(false, $"ledger entry {entry.EntryId} is already applied", []);
            }
            if (!book.TryFindAccount(entry.Account, out var account))
            {
                return otherPartitions?.Contains(entry.Account) == true
                    ? new Outcome(false, $"ledger entry {entry.EntryId} is for '{entry.Account}', another partition's account", [])
                    : throw new InputException($"ledger entry {entry.EntryId} names account '{entry.Account}', which the engine does not know", field: "account");
            }
            var (asset, amount) = BaseUnits(entry, entry.Asset, entry.Amount, "amount");
            var seized = Seized(entry);
            if (entry.Kind != Messages.LedgerEntryKind.Perp && (entry.IsShort || entry.EntryPrice != 0))
            {
                throw new InputException($"ledger entry {entry.EntryId} is a {entry.Kind} and names a side or an entry price; only a perp does", field: entry.IsShort ? "isShort" : "entryPrice");
            }
            var owed = _debts.GetValueOrDefault((account, asset));
            switch (entry.Kind)
            {
                case Messages.LedgerEntryKind.Borrow:
                    var more = owed + amount;
                    if (more < owed)
                    {
                        throw new InputException($"ledger entry {entry.EntryId} borrows {amount} base units of {entry.Asset}; with the {owed} account '{entry.Account}' owes, the debt leaves the range of 128 bits", field: "amount");
                    }
                    SetDebt(entry, account, asset, more);
                    _liquidated.Remove(account); // lent to again: what it owes now is not a liquidation's remainder
                    break;
                case Messages.LedgerEntryKind.Repay or Messages.LedgerEntryKind.Liquidation or Messages.LedgerEntryKind.Deficit:
                    if (amount > owed)
                    {
                        throw new InputException($"ledger entry {entry.EntryId} repays {amount} base units of {entry.Asset}; account '{entry.Account}' owes {owed}", field: "amount");
                    }
                    SetDebt(entry, account, asset, owed - amount);
                    if (entry.Kind == Messages.LedgerEntryKind.Liquidation)
                    {
                        _liquidated[account] = entry.EntryId;
                        _unannounced.Add(new Messages.LiquidationRecorded(entry.EntryId, entry.Account, seized!.Asset,
                            new Core.Amounts.Amount(Margin.BadDebt.InsuranceFund.FeeBaseUnits(seized.Amount.BaseUnits, book.Market[seized.Asset].LiquidationBonus, book.Market.Settings.InsuranceFundShare), seized.Amount.Decimals), entry.At));
                    }
                    else if (entry.Kind == Messages.LedgerEntryKind.Deficit)
                    {
                        _liquidated.Remove(account);
                        _unannounced.Add(new Messages.BadDebtRecorded(entry.EntryId, entry.Account, entry.Asset, entry.Amount, entry.At));
                    }
                    break;
                case Messages.LedgerEntryKind.Perp:
                    SetPerp(entry, account, asset, amount);
                    break;
            }
            _entries.Add(entry.EntryId);
            var deficits = RecordDeficits([account]);
            var health = TakeHealthChanges();
            return new Outcome(true, $"ledger entry {entry.EntryId} ({entry.Kind} {entry.Amount} {entry.Asset} for '{entry.Account}') applied", health) { Deficits = deficits };
        }
    }

    /// <summary>
    /// This partition's totals per asset (what its accounts hold, what they owe, the asset's price), for
    /// the risk role's net exposure; null until the book is rebuilt (a half-rebuilt book would report
    /// collateral missing). A scan of every account: asked every few seconds, never on a write.
    /// </summary>
    public Messages.ExposureReported? Exposure(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_rebuilt)
            {
                return null;
            }
            var lent = new System.Numerics.BigInteger[book.Assets.Count];
            foreach (var ((_, asset), owed) in _debts)
            {
                lent[asset] += owed;
            }
            var totals = new Messages.AssetExposureTotal[book.Assets.Count];
            for (var asset = 0; asset < totals.Length; asset++)
            {
                // In 128 bits with the carries counted: a million holdings can pass 2^128 together.
                UInt128 sum = 0;
                var carries = 0;
                for (var account = 0; account < book.AccountCount; account++)
                {
                    var next = sum + book.HeldBaseUnits(account, asset);
                    carries += next < sum ? 1 : 0;
                    sum = next;
                }
                var id = book.Assets[asset];
                var state = book.Market[id];
                var held = ((System.Numerics.BigInteger)carries << 128) + sum;
                totals[asset] = new Messages.AssetExposureTotal(id, new Core.Amounts.Amount(held, state.Decimals), new Core.Amounts.Amount(lent[asset], state.Decimals),
                    state.Price, Margin.Scenarios.MarginReportJson.StatusName(state.OracleStatus));
            }
            return new Messages.ExposureReported(partition.Index, Math.Max(1, partition.Count), totals, now);
        }
    }

    /// <summary>What the risk role has not heard yet (liquidations' fees, deficits, perp shortfalls, deleveraging candidates), oldest first: publish, then <see cref="Announced"/>.</summary>
    public IReadOnlyList<object> Unannounced()
    {
        lock (_gate)
        {
            return [.. _unannounced];
        }
    }

    /// <summary>
    /// These, taken from <see cref="Unannounced"/>, were published. Removed by identity, not by count: a
    /// background repricing may announce alongside a consumer, and what a write added meanwhile stays.
    /// </summary>
    public void Announced(IReadOnlyCollection<object> published)
    {
        ArgumentNullException.ThrowIfNull(published);
        lock (_gate)
        {
            var gone = published.ToHashSet(ReferenceEqualityComparer.Instance);
            _unannounced.RemoveAll(gone.Contains);
        }
    }

    // An entry's asset index and amount in base units, checked against the market.
    private (int Asset, UInt128 Amount) BaseUnits(Messages.LedgerEntry entry, Core.Assets.AssetId asset, Core.Amounts.Amount amount, string field)
    {
        if (!book.Market.Contains(asset))
        {
            throw new InputException($"ledger entry {entry.EntryId} names {asset}, which the engine's market does not list", field: field == "amount" ? "asset" : field);
        }
        var decimals = book.Market[asset].Decimals;
        if (amount.Decimals != decimals || amount.BaseUnits.Sign < 0 || amount.BaseUnits > UInt128.MaxValue)
        {
            throw new InputException($"ledger entry {entry.EntryId}: {amount.BaseUnits} base units at {amount.Decimals} decimals, where {asset} has {decimals}", field: field);
        }
        return (book.AssetIndex(asset), (UInt128)amount.BaseUnits);
    }

    // A liquidation names what it seized, on a chain the book follows; no other entry names any.
    private Messages.SeizedCollateral? Seized(Messages.LedgerEntry entry)
    {
        if (entry.Kind != Messages.LedgerEntryKind.Liquidation)
        {
            return entry.Seized is null ? null : throw new InputException($"ledger entry {entry.EntryId} is a {entry.Kind} and names collateral seized; only a liquidation does", field: "seized");
        }
        if (entry.Seized is not { } seized)
        {
            throw new InputException($"ledger entry {entry.EntryId} is a liquidation that does not say what it seized", field: "seized");
        }
        if (!book.Chains.Contains(seized.Chain))
        {
            throw new InputException($"ledger entry {entry.EntryId} seized on {seized.Chain}, which the engine does not follow", field: "seized");
        }
        BaseUnits(entry, seized.Asset, seized.Amount, "seized");
        return seized;
    }

    private void SetDebt(Messages.LedgerEntry entry, int account, int asset, UInt128 now)
    {
        try
        {
            book.SetDebt(account, asset, now);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Beyond what the book values: it refused before changing anything, so a retry changes nothing either.
            throw new InputException($"ledger entry {entry.EntryId} takes account '{entry.Account}''s {entry.Asset} debt to {now} base units, beyond what the engine can value", field: "amount");
        }
        _debts[(account, asset)] = now;
        Unshown(account);
    }

    // Aave v3.3's deficit, on what the chains show: a liquidated account none of whose collateral is left
    // (every chain's balance back and zero) still owes its debts; each is written off as a deficit entry
    // (named after the liquidation and the asset, so recording it again changes nothing) for the journal.
    // A liquidated account that still holds collateral waits: the chain may not show the seizure yet. Only
    // an account this write changed (<paramref name="written"/>) can have just run out; the write that
    // completes the rebuild looks at every one waiting.
    private Messages.LedgerEntry[] RecordDeficits(IReadOnlyCollection<int> written)
    {
        if (_liquidated.Count == 0 || _applied.Count < book.Chains.Count)
        {
            return [];
        }
        var assets = Enumerable.Range(0, book.Assets.Count).OrderBy(a => book.Assets[a].Symbol, StringComparer.Ordinal).ToArray();
        var deficits = new List<Messages.LedgerEntry>();
        foreach (var account in _rebuilt ? written.Where(_liquidated.ContainsKey).Distinct().Order().ToArray() : [.. _liquidated.Keys])
        {
            if (assets.Any(a => book.HeldBaseUnits(account, a) != 0))
            {
                continue;
            }
            var liquidation = _liquidated[account];
            _liquidated.Remove(account);
            foreach (var asset in assets)
            {
                var owed = _debts.GetValueOrDefault((account, asset));
                if (owed == 0)
                {
                    continue;
                }
                var id = book.Assets[asset];
                var deficit = new Messages.LedgerEntry($"deficit:{liquidation}:{id.Symbol}", book.AccountId(account), Messages.LedgerEntryKind.Deficit, id, new Core.Amounts.Amount(owed, book.Market[id].Decimals), _clock.GetUtcNow());
                SetDebt(deficit, account, asset, 0);
                _entries.Add(deficit.EntryId);
                _unannounced.Add(new Messages.BadDebtRecorded(deficit.EntryId, deficit.Account, deficit.Asset, deficit.Amount, deficit.At));
                deficits.Add(deficit);
            }
        }
        return [.. deficits];
    }

    /// <summary>
    /// Takes each source's newer quotes (an older or repeated quote of a source changes nothing; one of
    /// the same time with another price replaces it), then
    /// prices every asset they touch by the market's oracle rules as of <paramref name="now"/>: the median
    /// of the fresh sources, frozen when none is fresh or they disagree beyond the allowed deviation.
    /// </summary>
    /// <exception cref="InputException">
    /// An asset the market does not list, a source the oracle's configuration does not name for it, a
    /// price that is not positive or above <see cref="MaxPrice"/>, or a stamp later than now plus
    /// <see cref="MaxClockSkew"/>. The whole message is refused: nothing of it is taken.
    /// </exception>
    public Outcome Apply(Messages.PricesObserved prices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prices);
        lock (_gate)
        {
            foreach (var price in prices.Prices)
            {
                if (!book.Market.Contains(price.Asset) || price.Price <= 0 || price.Price > MaxPrice)
                {
                    throw new InputException($"{price.Source} quotes {price.Price} for {price.Asset}: the market does not list the asset, or the price is not positive, or above {MaxPrice}", field: "prices");
                }
                if (priceSources is not null && !priceSources.Contains((price.Asset, price.Source)))
                {
                    throw new InputException($"{price.Source} is not a configured source of {price.Asset}'s price", field: "prices");
                }
                if (price.At > now + MaxClockSkew)
                {
                    throw new InputException($"{price.Source} stamps its {price.Asset} quote {price.At:O}, later than this engine's clock ({now:O}) allows", field: "prices");
                }
            }
            var touched = new HashSet<Core.Assets.AssetId>();
            foreach (var price in prices.Prices)
            {
                var key = (price.Asset, price.Source);
                // A source's reading replaces its last unless older; feeds stamp whole seconds, so two
                // rounds can share a time, and the later reading (later on the queue) wins.
                if (!_quotes.TryGetValue(key, out var known) || price.At > known.Timestamp || (price.At == known.Timestamp && price.Price != known.Price))
                {
                    _quotes[key] = new Core.Risk.PriceQuote(price.Source, price.Price, price.At);
                    touched.Add(price.Asset);
                }
            }
            Price(touched, now, onlyChanged: false);
            var health = TakeHealthChanges();
            return new Outcome(touched.Count > 0, $"{touched.Count} assets repriced", health);
        }
    }

    /// <summary>
    /// Prices every quoted asset again by the oracle rules as of <paramref name="now"/>, so that a feed
    /// that falls silent freezes its asset when its quotes go stale, as it would in an engine started
    /// now, not only when a newer quote arrives (which a silent feed never sends). Only assets whose
    /// price or status changes are re-evaluated.
    /// </summary>
    public Outcome Reprice(DateTimeOffset now)
    {
        lock (_gate)
        {
            var changed = Price([.. _quotes.Keys.Select(k => k.Asset).Distinct()], now, onlyChanged: true);
            return new Outcome(changed > 0, $"{changed} assets changed price or status as of {now:O}", TakeHealthChanges(wrote: changed > 0));
        }
    }

    // The market's oracle rules over each asset's known quotes: the median of the fresh sources, frozen
    // when none is fresh or they disagree. Returns how many assets were set.
    private int Price(IReadOnlyCollection<Core.Assets.AssetId> assets, DateTimeOffset now, bool onlyChanged)
    {
        var oracle = book.Market.Settings.Oracle with { Now = now };
        var set = 0;
        foreach (var asset in assets)
        {
            var quotes = _quotes.Where(q => q.Key.Asset == asset).Select(q => q.Value).ToArray();
            var priced = Margin.Oracles.OracleAggregator.Aggregate(quotes, oracle);
            var current = book.Market[asset];
            if (!onlyChanged || priced.Price != current.Price || priced.Status != current.OracleStatus)
            {
                book.SetPrice(book.AssetIndex(asset), priced.Price, priced.Status);
                set++;
            }
        }
        return set;
    }

    /// <summary>How many accounts go in one part of an answer (health, views).</summary>
    public const int PartSize = 10_000;

    /// <summary>
    /// Every account's health now, with the blocks applied (an answer to <see cref="Messages.HealthRequested"/>),
    /// in parts of <see cref="PartSize"/> accounts taken between the same two writes.
    /// </summary>
    public IReadOnlyList<Messages.HealthReported> Health(Guid requestId)
    {
        lock (_gate)
        {
            var accounts = new Messages.AccountStatus[book.AccountCount];
            for (var account = 0; account < accounts.Length; account++)
            {
                accounts[account] = new Messages.AccountStatus(
                    book.AccountId(account), Margin.Scenarios.MarginReportJson.StatusName(book.Status(account)), book.HealthFactor(account),
                    book.WeightedCollateral(account), book.Requirement(account));
            }
            var heights = AppliedBlocks();
            var rebuilt = _applied.Count == book.Chains.Count;
            return Parts(accounts, (part, parts, slice) => new Messages.HealthReported(
                requestId, partition.Index, Math.Max(1, partition.Count), heights, rebuilt, _entries.Count, slice, part, parts));
        }
    }

    /// <summary>Whether this replica answers for <paramref name="accountId"/>: its partition's, or every account when not partitioned.</summary>
    public bool Owns(string accountId) => partition.Count <= 1 || partition.Owns(accountId);

    /// <summary>
    /// One account's cross pool's risk sensitivity now, between two writes (an answer to
    /// <see cref="Messages.RiskRequested"/>): computed only when asked, never on a write.
    /// </summary>
    public Messages.RiskReported Risk(string accountId)
    {
        lock (_gate)
        {
            if (!book.TryFindAccount(accountId, out var account))
            {
                return new Messages.RiskReported(accountId, false, null, null, null, [], null, null);
            }
            var risk = Margin.Evaluation.RiskSensitivity.Of(book.CrossPositions(account), book.Market);
            return new Messages.RiskReported(
                accountId, true, Margin.Scenarios.MarginReportJson.StatusName(book.Status(account)), book.HealthFactor(account), risk.EffectiveLeverage,
                [.. risk.Assets.Select(a => new Messages.AssetSensitivity(a.Asset.Symbol, a.Price, a.Delta, a.Gamma, a.HealthChangeUp1Percent, a.HealthChangeDown1Percent, a.LiquidationPrice, a.MoveToLiquidation))],
                risk.LargestMoveSurvived?.Asset?.Symbol, risk.LargestMoveSurvived?.Move);
        }
    }

    /// <summary>How many accounts go in one message of views: a view is larger than a health change.</summary>
    public const int ViewsPerMessage = 1_000;

    /// <summary>
    /// The views of the accounts the writes since the last views changed (collateral, debts) or moved
    /// (status, band), all of them after the write that completes the rebuild; none before it (a
    /// half-rebuilt book would show collateral missing). At most <paramref name="most"/> accounts: the
    /// rest wait for the next take, which goes on where this one stopped (an account changed again and
    /// again does not keep the others waiting). At least one message after any write, so the partition's
    /// heights and prices reach the reader; none when nothing was written since.
    /// </summary>
    public IReadOnlyList<Messages.AccountViewsChanged> TakeChangedViews(int most = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(most);
        lock (_gate)
        {
            if (!_rebuilt || !_viewsOwed)
            {
                return [];
            }
            var accounts = new List<int>();
            for (var seen = 0; seen < _unshown.Length && accounts.Count < most; seen++)
            {
                ref var bits = ref _unshown[_unshownFrom];
                for (; bits != 0 && accounts.Count < most; bits &= bits - 1)
                {
                    accounts.Add((_unshownFrom * 64) + System.Numerics.BitOperations.TrailingZeroCount(bits));
                }
                if (bits == 0)
                {
                    _unshownFrom = (_unshownFrom + 1) % _unshown.Length;
                }
            }
            _viewsOwed = Array.Exists(_unshown, bits => bits != 0);
            return Views([.. accounts]);
        }
    }

    /// <summary>
    /// Views that could not be sent (the broker away): their accounts go in the next views again, so the
    /// reader is not left with an older view of them.
    /// </summary>
    public void NotShown(IEnumerable<Messages.AccountViewsChanged> views)
    {
        ArgumentNullException.ThrowIfNull(views);
        lock (_gate)
        {
            _viewsOwed = true;
            foreach (var view in views.SelectMany(v => v.Accounts))
            {
                if (book.TryFindAccount(view.Account, out var account))
                {
                    Unshown(account);
                }
            }
        }
    }

    private void Unshown(int account)
    {
        if (_unshown.Length * 64 <= account)
        {
            Array.Resize(ref _unshown, (book.AccountCount + 63) / 64);
        }
        _unshown[account >> 6] |= 1UL << (account & 63);
    }

    /// <summary>Every account's view, between two writes (an answer to <see cref="Messages.AccountViewsRequested"/>).</summary>
    public IReadOnlyList<Messages.AccountViewsChanged> AllViews()
    {
        lock (_gate)
        {
            return _rebuilt ? Views([.. Enumerable.Range(0, book.AccountCount)]) : [];
        }
    }

    private Messages.AccountViewsChanged[] Views(int[] accounts)
    {
        _sequence++;
        var now = _clock.GetUtcNow();
        var heights = AppliedBlocks();
        var prices = book.Assets.Select(asset => new Messages.AssetQuote(
            asset, book.Market[asset].Price, Margin.Scenarios.MarginReportJson.StatusName(book.Market[asset].OracleStatus),
            [.. _quotes.Where(q => q.Key.Asset == asset).OrderBy(q => q.Key.Source, StringComparer.Ordinal)
                .Select(q => new Messages.PriceObservation(asset, q.Key.Source, q.Value.Price, q.Value.Timestamp))])).ToArray();
        var views = new Messages.AccountView[accounts.Length];
        // A view evaluates the pool whole (values, borrowing power, plan): across the cores for many.
        Parallel.For(0, accounts.Length, new ParallelOptions { MaxDegreeOfParallelism = accounts.Length < ParallelPlans ? 1 : -1 }, i => views[i] = View(accounts[i], now));
        var messages = new List<Messages.AccountViewsChanged>();
        for (var start = 0; start == 0 || start < views.Length; start += ViewsPerMessage)
        {
            messages.Add(new Messages.AccountViewsChanged(
                partition.Index, Math.Max(1, partition.Count), _sequence, heights, prices, views[start..Math.Min(views.Length, start + ViewsPerMessage)], now));
        }
        return [.. messages];
    }

    private Messages.AccountView View(int account, DateTimeOffset now)
    {
        var positions = book.CrossPositions(account);
        var evaluated = Margin.Evaluation.PoolEvaluator.Evaluate(positions, book.Market, isolated: false);
        // The book's status and health factor are the ones every other message states; the evaluation
        // adds the values and the borrowing power.
        var status = book.Status(account);
        var healthFactor = book.HealthFactor(account);
        var plan = status is Margin.Evaluation.MarginStatus.Liquidatable or Margin.Evaluation.MarginStatus.Insolvent
            ? Margin.Evaluation.PoolEvaluator.PlanLiquidation(positions, healthFactor, book.Market)
            : null;
        var statusName = Margin.Scenarios.MarginReportJson.StatusName(status);
        return new Messages.AccountView(
            book.AccountId(account), positions.Collateral, positions.Debts, statusName, healthFactor,
            evaluated.CollateralValue, evaluated.DebtValue, status == Margin.Evaluation.MarginStatus.Frozen ? 0 : evaluated.BorrowingPower,
            plan is null ? null : new Messages.LiquidationPlanned(book.AccountId(account), null, statusName, healthFactor, plan.CloseFactor, plan.DebtAsset, plan.DebtToCover,
                plan.CollateralChain, plan.CollateralAsset, plan.CollateralToSeize, plan.PerpsToClose, now))
        {
            Perps = positions.Perps,
        };
    }

    // At least one part, so a partition with no accounts still answers.
    private static TMessage[] Parts<TItem, TMessage>(TItem[] items, Func<int, int, TItem[], TMessage> message)
    {
        var parts = Math.Max(1, (items.Length + PartSize - 1) / PartSize);
        return [.. Enumerable.Range(0, parts).Select(part => message(part, parts, items.Skip(part * PartSize).Take(PartSize).ToArray()))];
    }

    private Messages.AppliedBlock[] AppliedBlocks() =>
        [.. _applied.Select(a => new Messages.AppliedBlock(a.Key, a.Value.Height, a.Value.BlockHash)).OrderBy(b => b.Chain.ToString(), StringComparer.Ordinal)];

    /// <summary>
    /// The liquidation plan of each pool among <paramref name="changes"/> that became liquidatable or
    /// insolvent, evaluated now, in the order of the changes. A price tick can make thousands liquidatable
    /// at once: they are planned across the cores (planning only reads the book).
    /// </summary>
    public IReadOnlyList<(HealthChange Change, Margin.Liquidation.LiquidationPlan Plan)> LiquidationPlans(IReadOnlyList<HealthChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            var due = changes.Where(c => c.Status is Margin.Evaluation.MarginStatus.Liquidatable or Margin.Evaluation.MarginStatus.Insolvent && c.Status != c.PreviousStatus).ToArray();
            var plans = new Margin.Liquidation.LiquidationPlan?[due.Length];
            Parallel.For(0, due.Length, new ParallelOptions { MaxDegreeOfParallelism = due.Length < ParallelPlans ? 1 : -1 }, i =>
            {
                var change = due[i];
                var pool = change.Pool is null ? book.CrossPositions(change.Account) : book.IsolatedPositions(change.Account, change.Pool);
                plans[i] = pool is null ? null : Margin.Evaluation.PoolEvaluator.PlanLiquidation(pool, change.HealthFactor, book.Market);
            });
            return [.. due.Zip(plans).Where(p => p.Second is not null).Select(p => (p.First, p.Second!))];
        }
    }

    // Below this many balances or plans, one thread: splitting costs more than it saves.
    private const int ParallelLookups = 256;

    private const int ParallelPlans = 64;

    // The book's changes since the last write, once rebuilt; until then they stay in the book. The write
    // that completes the rebuild hands them out folded per pool (from the state before the rebuild to
    // the state now), so a pool that only seemed to move while half its figures were back reports nothing.
    // <paramref name="wrote"/>: whether the write moved anything of the book's (a re-price as of now may not).
    private List<HealthChange> TakeHealthChanges(bool wrote = true)
    {
        var health = new List<HealthChange>();
        if (_applied.Count < book.Chains.Count)
        {
            return health;
        }
        book.TakeHealthChanges(health);
        if (!_rebuilt)
        {
            _rebuilt = true;
            for (var account = 0; account < book.AccountCount; account++)
            {
                Unshown(account);
            }
            var folded = new Dictionary<(int, string?), HealthChange>();
            foreach (var change in health)
            {
                folded[(change.Account, change.Pool)] = folded.TryGetValue((change.Account, change.Pool), out var first)
                    ? change with { PreviousStatus = first.PreviousStatus, PreviousBand = first.PreviousBand }
                    : change;
            }
            health = [.. folded.Values.Where(c => c.Status != c.PreviousStatus || c.Band != c.PreviousBand)];
            foreach (var request in _heldRequests)
            {
                _unannounced.Add(Candidates(request));
            }
            _heldRequests.Clear();
        }
        RecordPerpShortfalls(health);
        foreach (var change in health)
        {
            Unshown(change.Account);
        }
        _viewsOwed |= wrote || health.Count > 0;
        return health;
    }

    private void SetPerp(Messages.LedgerEntry entry, int account, int asset, UInt128 size)
    {
        var id = book.Assets[asset];
        var state = book.Market[id];
        if (!book.Market.Settings.PerpMaintenanceMarginRates.ContainsKey(id))
        {
            throw new InputException($"ledger entry {entry.EntryId} is a perp on {id}, which the market does not offer (params.perps)", field: "asset");
        }
        if (size != 0 && (entry.EntryPrice <= 0 || entry.EntryPrice > MaxPrice))
        {
            throw new InputException($"ledger entry {entry.EntryId} opened its perp at {entry.EntryPrice}: not positive, or above {MaxPrice}", field: "entryPrice");
        }
        if (size / (UInt128)(System.Numerics.BigInteger)state.UnitScale >= (UInt128)(ulong)CrossMarginBook.MaxWholeUnits)
        {
            throw new InputException($"ledger entry {entry.EntryId} holds a perp of {size} base units of {id}: {CrossMarginBook.MaxWholeUnits} whole units or more, beyond what the engine values", field: "amount");
        }
        var whole = Margin.Evaluation.PoolEvaluator.WholeUnits((System.Numerics.BigInteger)size, state);
        book.SetPerp(account, asset, entry.IsShort ? -whole : whole, size == 0 ? 0 : entry.EntryPrice);
        if (size == 0)
        {
            _perps.Remove((account, asset));
        }
        else
        {
            _perps[(account, asset)] = (size, entry.IsShort);
        }
        _perpState[account] = entry.EntryId;
        Unshown(account);
    }

    // Live auto-deleveraging, the partition's half (docs/margin.md, "Live auto-deleveraging"): an account
    // that became insolvent holding losing perps has a perp shortfall, the part of its negative equity its
    // perp losses make, in the settlement asset (rounded up to a base unit). It is announced once per state
    // of the account's perps (named after the entry that set them last), with each losing perp's bankruptcy
    // price; the risk role covers what the fund can and deleverages the rest. A settlement asset without a
    // fresh price records nothing: a frozen price would size the claim wrong.
    private void RecordPerpShortfalls(List<HealthChange> changes)
    {
        foreach (var change in changes)
        {
            if (change.Pool is not null || change.Status != Margin.Evaluation.MarginStatus.Insolvent || !_perpState.TryGetValue(change.Account, out var perpState)
                || (_perpShortfalls.TryGetValue(change.Account, out var recorded) && recorded == perpState)
                || book.Market.Settings.PerpSettlement is not { } settlement || !book.Market.Contains(settlement)
                || book.Market[settlement] is not { Frozen: false, Price: > 0 } settles)
            {
                continue;
            }
            var positions = book.CrossPositions(change.Account);
            var health = Margin.Evaluation.PoolEvaluator.Evaluate(positions, book.Market, isolated: false);
            var shortfall = Margin.BadDebt.AutoDeleveraging.PerpShortfall(health.UnrealizedPnl, health.CollateralValue + health.UnrealizedPnl - health.DebtValue, 0);
            if (shortfall <= 0)
            {
                continue;
            }
            var accountId = book.AccountId(change.Account);
            var perps = Margin.BadDebt.AutoDeleveraging.Shortfalls(accountId, positions.Perps, shortfall, 0).Select(bankrupt =>
            {
                var asset = book.AssetIndex(Margin.Evaluation.RiskSensitivity.PerpAsset(positions.Perps.First(p => p.Market == bankrupt.Market), book.Market)!.Value);
                var (size, isShort) = _perps[(change.Account, asset)];
                return new Messages.BankruptPerp(book.Assets[asset], new Core.Amounts.Amount(size, book.Market[book.Assets[asset]].Decimals), isShort, bankrupt.MarkPrice, bankrupt.BankruptcyPrice);
            }).ToArray();
            var units = decimal.Ceiling(shortfall / settles.Price * settles.UnitScale);
            _perpShortfalls[change.Account] = perpState;
            _unannounced.Add(new Messages.BadDebtRecorded($"perp:{accountId}:{perpState}", accountId, settlement, new Core.Amounts.Amount((System.Numerics.BigInteger)units, settles.Decimals), _clock.GetUtcNow()) { Perps = perps });
        }
    }

    /// <summary>
    /// Takes the risk role's request for deleveraging candidates: answered now (into <see cref="Unannounced"/>),
    /// or, while the book is being rebuilt (its equities would be wrong), as soon as it is.
    /// </summary>
    public void Take(Messages.DeleveragingCandidatesRequested request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            if (_rebuilt)
            {
                _unannounced.Add(Candidates(request));
            }
            else
            {
                _heldRequests.Add(request);
            }
        }
    }

    // For each need, this partition's opposite positions on the asset in the order auto-deleveraging takes
    // them, up to the first whose sizes together cover the quantity: what the partition holds of the
    // institution-wide best (any position the merged order takes is within its own partition's prefix).
    private Messages.DeleveragingCandidatesReported Candidates(Messages.DeleveragingCandidatesRequested request)
    {
        var equities = new Dictionary<int, decimal>();
        var answer = new List<Messages.DeleveragingCandidate>();
        foreach (var need in request.Needs)
        {
            if (!book.Market.Contains(need.Asset) || !book.Market.Settings.PerpMaintenanceMarginRates.TryGetValue(need.Asset, out var rate))
            {
                continue;
            }
            var asset = book.AssetIndex(need.Asset);
            var state = book.Market[need.Asset];
            var sizes = new Dictionary<string, (UInt128 Size, decimal Entry)>(StringComparer.Ordinal);
            var candidates = new List<Margin.BadDebt.AutoDeleveraging.Candidate>();
            foreach (var ((account, perpAsset), (size, isShort)) in _perps)
            {
                var id = book.AccountId(account);
                if (perpAsset != asset || isShort != need.CounterpartiesShort || id == request.BankruptAccount)
                {
                    continue;
                }
                if (!equities.TryGetValue(account, out var equity))
                {
                    var health = Margin.Evaluation.PoolEvaluator.Evaluate(book.CrossPositions(account), book.Market, isolated: false);
                    equities[account] = equity = health.CollateralValue + health.UnrealizedPnl - health.DebtValue;
                }
                var (whole, entry) = book.Perp(account, asset);
                sizes[id] = (size, entry);
                candidates.Add(new(id, new Core.Positions.PerpPosition(CrossMarginBook.PerpMarket(need.Asset), whole, entry, state.Price, rate), equity));
            }
            var needed = need.Quantity.BaseUnits;
            var covered = System.Numerics.BigInteger.Zero;
            foreach (var (candidate, _) in Margin.BadDebt.AutoDeleveraging.Ranked(candidates))
            {
                if (covered >= needed)
                {
                    break;
                }
                var (size, entry) = sizes[candidate.Pool];
                covered += (System.Numerics.BigInteger)size;
                answer.Add(new Messages.DeleveragingCandidate(candidate.Pool, need.Asset, new Core.Amounts.Amount(size, state.Decimals), need.CounterpartiesShort, entry, state.Price, candidate.Equity));
            }
        }
        return new Messages.DeleveragingCandidatesReported(request.Id, partition.Index, Math.Max(1, partition.Count), answer, _clock.GetUtcNow());
    }

    private int AssetIndex(Core.Assets.AssetId asset, ObservationBatch batch)
    {
        try
        {
            return book.AssetIndex(asset);
        }
        catch (ArgumentException)
        {
            throw new InputException($"{batch.Chain} at height {batch.Height} reports {asset}, which the engine's market does not list", field: "balances");
        }
    }
}
