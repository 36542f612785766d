using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Aggregator.Core.Amounts;
using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Core.Positions;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Markets;
using Aggregator.Margin.Oracles;

namespace Aggregator.Margin.Live;

/// <summary>
/// The live margin book: every account's cross pool (collateral per chain, debt per asset, perps) and
/// isolated pools, with each health factor kept current as balances and prices change. A balance change
/// recomputes one account; a price tick recomputes every account holding or owing that asset, in
/// parallel. The rules are <see cref="PoolTally"/>'s, the same as <see cref="PoolEvaluator"/>'s; the cross
/// pool is kept on arrays indexed by account, chain and asset, isolated pools are evaluated by the
/// evaluator itself against the book's current market.
/// <para>
/// Accounts are added at run time by id, each with its deposit addresses, and found by id or by
/// (chain, address). Every write records the pools whose status or health band changed; the writer
/// takes them with <see cref="TakeHealthChanges"/>.
/// </para>
/// <para>
/// Single writer: one thread at a time may call the mutating methods (the engine's consumer); a second
/// concurrent writer gets an <see cref="InvalidOperationException"/> instead of a silently torn state.
/// Read figures from the writer's thread or between writes: a status is read whole at any time, but a
/// health factor read during a write may mix two evaluations (its sums are not read atomically).
/// </para>
/// <para>
/// Figures are fixed-point integers (<see cref="FixedPoint"/>, docs/margin.md "Fixed point"): amounts in
/// 10^-18 whole units, prices in 10^-18 quote, each account's sums as exact 256-bit products. A balance
/// change adds its one term's change to the sums and a price tick each holder's, which is exact: the
/// sums are always those <see cref="PoolEvaluator"/> computes from scratch.
/// </para>
/// </summary>
public sealed class CrossMarginBook
{
    private const int ChunkSize = 4096;
    // A batch this large is worth splitting across the cores: each change costs about a microsecond
    // (a random account's cache lines), the split some tens.
    private const int ParallelBatch = 256;
    private static readonly decimal[] DefaultHealthBands = [1.25m, 1.5m, 2m];

    /// <summary>
    /// The largest holding of one asset on one chain the book values, in whole units. Holdings are kept
    /// exactly in base units whatever their size (liabilities come from them); this bound with
    /// <see cref="MaxPrice"/> keeps every account's values and their reports inside decimal's range.
    /// </summary>
    public const decimal MaxWholeUnits = 1_000_000_000_000_000m;

    /// <summary>
    /// The largest price of one whole unit that margin values: far above any asset's. With
    /// <see cref="MaxWholeUnits"/> a holding's value stays below 10^27: the fixed-point sums are exact far
    /// beyond that, and an account's values over dozens of chains and assets, reported as decimals, stay
    /// inside decimal's range (about 7.9·10^28).
    /// </summary>
    public const decimal MaxPrice = 1_000_000_000_000m;

    private readonly int _chains;
    private readonly int _assets;
    private readonly decimal[] _bands;             // health-factor thresholds, ascending
    // The health-factor thresholds an account's level counts, in 10^-9: 1 (liquidatable below), the
    // warning level (margin call below) and the bands, ascending without repeats.
    private readonly ulong[] _levels;
    private readonly int _liquidationLevel;        // the index of 1 in _levels
    private readonly int _warningLevel;            // the index of the warning level
    private readonly int[] _bandAtLevel;           // how many bands are at or below each level's threshold
    private readonly int[] _decimals;
    private readonly UInt128[] _valuedLimit;       // MaxWholeUnits in base units, per asset
    private readonly ulong[] _keep;                // 1 - haircut in 10^-18, per chain·asset
    private readonly decimal[] _liquidationThreshold;
    private readonly decimal[] _ltv;
    private readonly AssetPrices[] _prices;
    private readonly bool[] _frozen;
    private int _frozenAssets;
    private readonly Dictionary<AssetId, int> _assetIndex;
    private readonly Dictionary<ChainId, int> _chainIndex;
    private readonly AccountDirectory _directory;
    private readonly ConcurrentQueue<HealthChange> _changes = new();
    private MarketState _market;                   // the same prices and statuses, for isolated pools

    // Per account, grown by doubling as accounts are added.
    private int _capacity;
    // The rows reached at random on every update live in huge pages (HugePageTable).
    private readonly HugePageTable<UInt128> _perChain = new(0); // base units, exactly, per account·chain·asset
    private readonly HugePageTable<Cell> _cells = new(0);       // per account·asset, in 10^-18 whole units
    private UInt128[] _owedBaseUnits = [];         // debt in base units, exactly, per account·asset
    private readonly HugePageTable<Sums> _sums = new(0);        // the account's sums: one cache line per update
    private readonly HugePageTable<Standing> _standing = new(0); // where they stand: 8 bytes, mostly in cache
    private LivePerp[][] _perps = [];
    private Dictionary<string, (MarginPositions Pool, PoolHealth Health)>?[] _isolated = [];
    private int _writer;

    /// <param name="healthBands">
    /// Health-factor thresholds, ascending, whose crossing is reported as a change even when the status
    /// stays (1.25, 1.5 and 2 by default); the status thresholds (1 and the warning level) always are.
    /// </param>
    public CrossMarginBook(MarketState market, IReadOnlyList<ChainId> chains, IReadOnlyList<AssetId> assets, IReadOnlyList<decimal>? healthBands = null)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(assets);
        Chains = chains.ToArray();
        Assets = assets.ToArray();
        _chains = chains.Count;
        _assets = assets.Count;
        _chainIndex = IndexOf(Chains, "chain");
        _assetIndex = IndexOf(Assets, "asset");
        _bands = (healthBands ?? DefaultHealthBands).ToArray();
        if (_bands.Length > 200)
        {
            throw new ArgumentException("at most 200 health bands", nameof(healthBands));
        }
        for (var i = 0; i < _bands.Length; i++)
        {
            if (_bands[i] <= 0 || (i > 0 && _bands[i] <= _bands[i - 1]))
            {
                throw new ArgumentException("health bands must be positive and strictly ascending", nameof(healthBands));
            }
        }
        var warning = FixedPoint.Threshold(market.Settings.WarningHealthFactor);
        var bands = _bands.Select(FixedPoint.Threshold).ToArray();
        _levels = [.. bands.Append(FixedPoint.OneNano).Append(warning).Distinct().Order()];
        _liquidationLevel = Array.IndexOf(_levels, FixedPoint.OneNano);
        _warningLevel = Array.IndexOf(_levels, warning);
        _bandAtLevel = [.. _levels.Select(threshold => bands.Count(band => band <= threshold))];
        _market = market;
        _directory = new AccountDirectory(Chains);
        _decimals = new int[_assets];
        _valuedLimit = new UInt128[_assets];
        _liquidationThreshold = new decimal[_assets];
        _ltv = new decimal[_assets];
        _prices = new AssetPrices[_assets];
        _frozen = new bool[_assets];
        _keep = new ulong[_chains * _assets];
        for (var a = 0; a < _assets; a++)
        {
            var state = market[assets[a]];
            _decimals[a] = state.Decimals;
            _valuedLimit[a] = System.Numerics.BigInteger.Pow(10, state.Decimals) * (ulong)MaxWholeUnits is var limit && limit < UInt128.MaxValue ? (UInt128)limit : UInt128.MaxValue;
            _liquidationThreshold[a] = state.EffectiveLiquidationThreshold;
            _ltv[a] = state.EffectiveLtv;
            _prices[a] = PoolEvaluator.Prices(state);
            _frozen[a] = state.Frozen;
            _frozenAssets += state.Frozen ? 1 : 0;
            for (var c = 0; c < _chains; c++)
            {
                _keep[c * _assets + a] = FixedPoint.Fraction(1 - market.Haircut(chains[c], assets[a]));
            }
        }
    }

    public IReadOnlyList<ChainId> Chains { get; }

    public IReadOnlyList<AssetId> Assets { get; }

    /// <summary>The health-factor thresholds whose crossing is reported (<see cref="HealthChange"/>).</summary>
    public IReadOnlyList<decimal> HealthBands => _bands;

    /// <summary>The market as the book sees it now (prices and oracle statuses as last set).</summary>
    public MarketState Market => _market;

    public int AccountCount => _directory.Count;

    /// <summary>The index of one of the book's chains.</summary>
    /// <exception cref="ArgumentException">The book does not know the chain.</exception>
    public int ChainIndex(ChainId chain) =>
        _chainIndex.TryGetValue(chain, out var index) ? index : throw new ArgumentException($"chain {chain} is not one of the book's", nameof(chain));

    /// <summary>The index of one of the book's assets.</summary>
    /// <exception cref="ArgumentException">The book does not know the asset.</exception>
    public int AssetIndex(AssetId asset) =>
        _assetIndex.TryGetValue(asset, out var index) ? index : throw new ArgumentException($"asset {asset} is not one of the book's", nameof(asset));

    /// <summary>
    /// Adds an account with nothing in it (healthy, nothing required) and returns its index; indexes
    /// are dense and stable. Deposit addresses are given with <see cref="AddDepositAddress"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The id is empty or already in the book.</exception>
    public int AddAccount(string id)
    {
        using var writer = new WriterScope(this);
        ArgumentNullException.ThrowIfNull(id);
        if (_directory.Count == _capacity)
        {
            Grow(Math.Max(1024, _capacity * 2));
        }
        var account = _directory.Add(id);
        _standing[account] = new Standing { Status = MarginStatus.Healthy, Level = (byte)_levels.Length, Band = (byte)_bands.Length };
        _perps[account] = [];
        return account;
    }

    /// <summary>An address on a chain whose balances are the account's collateral there.</summary>
    /// <exception cref="ArgumentException">The address already belongs to an account (its balance would count twice).</exception>
    public void AddDepositAddress(int account, ChainId chain, string address)
    {
        using var writer = new WriterScope(this);
        CheckAccount(account);
        _directory.AddAddress(account, ChainIndex(chain), address);
    }

    /// <summary>The account whose deposit address each address is on a chain, or -1 (EVM addresses in any case).</summary>
    public void FindAccounts(int chain, ReadOnlySpan<string> addresses, Span<int> accounts)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)chain, (uint)_chains, nameof(chain));
        _directory.FindByAddress(chain, addresses, accounts);
    }

    /// <summary>The index of the account with this id, if the book has it.</summary>
    public bool TryFindAccount(string id, out int account) => _directory.TryFind(id, out account);

    /// <summary>The id of the account at an index.</summary>
    public string AccountId(int account)
    {
        CheckAccount(account);
        return _directory.Id(account);
    }

    /// <summary>An account's collateral of an asset on a chain is now <paramref name="baseUnits"/>.</summary>
    public void SetCollateral(int account, int chain, int asset, UInt128 baseUnits)
    {
        using var writer = new WriterScope(this);
        CheckIndexes(account, asset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)chain, (uint)_chains, nameof(chain));
        CheckValued(asset, baseUnits);
        StoreCollateral(account, chain, asset, baseUnits);
        Evaluate(account);
    }

    /// <summary>
    /// A batch of collateral changes (one chain's observation at one height, say), applied across the
    /// cores: each worker owns the accounts of its residue class, so no account is touched by two.
    /// Later entries for the same account and position win, as if applied one by one.
    /// </summary>
    /// <param name="moved">
    /// Where to write the accounts whose holdings the batch moved (a change to what was already held moves
    /// nothing), in no set order; empty if not wanted, else at least as long as the batch.
    /// </param>
    /// <returns>How many accounts were written to <paramref name="moved"/> (an account once per change that moved it).</returns>
    public int SetCollateral(ReadOnlySpan<CollateralChange> changes, Span<int> moved = default)
    {
        if (!moved.IsEmpty)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(moved.Length, changes.Length, nameof(moved));
        }
        using var writer = new WriterScope(this);
        var workers = changes.Length < ParallelBatch ? 1 : Environment.ProcessorCount;
        // Checked whole first (a bad change leaves the book as it was), and counted per worker.
        var starts = new int[workers + 1];
        foreach (var change in changes)
        {
            CheckIndexes(change.Account, change.Asset);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)change.Chain, (uint)_chains, nameof(changes));
            CheckValued(change.Asset, change.BaseUnits);
            starts[(change.Account % workers) + 1]++;
        }
        // Each worker's changes together, in their order (one account's are all one worker's).
        for (var worker = 0; worker < workers; worker++)
        {
            starts[worker + 1] += starts[worker];
        }
        var ordered = new CollateralChange[changes.Length];
        var next = starts[..workers];
        foreach (var change in changes)
        {
            ordered[next[change.Account % workers]++] = change;
        }
        var moves = new bool[ordered.Length];
        Parallel.For(0, workers, worker =>
        {
            // Each change touches a random account's lines: asking for those of the change a few ahead
            // lets the misses overlap with this change's arithmetic.
            var end = starts[worker + 1];
            for (var i = starts[worker]; i < end; i++)
            {
                if (i + PrefetchDistance < end)
                {
                    Prefetch(ordered[i + PrefetchDistance]);
                }
                ref var change = ref ordered[i];
                moves[i] = StoreCollateral(change.Account, change.Chain, change.Asset, change.BaseUnits);
                Evaluate(change.Account);
            }
        });
        var count = 0;
        for (var i = 0; i < ordered.Length && !moved.IsEmpty; i++)
        {
            if (moves[i])
            {
                moved[count++] = ordered[i].Account;
            }
        }
        return count;
    }

    // How many changes ahead the rows are asked for: enough to cover a miss (about 100 ns here) with
    // the arithmetic of the changes in between, few enough that the lines are still in cache when used.
    private const int PrefetchDistance = 16;

    // A hint only: a stale address (the array moved since) is harmless to a prefetch.
    private unsafe void Prefetch(in CollateralChange change)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        Sse.Prefetch0(Unsafe.AsPointer(ref _perChain[((long)change.Account * _chains + change.Chain) * _assets + change.Asset]));
        Sse.Prefetch0(Unsafe.AsPointer(ref _cells[(long)change.Account * _assets + change.Asset]));
        Sse.Prefetch0(Unsafe.AsPointer(ref _sums[change.Account]));
        Sse.Prefetch0(Unsafe.AsPointer(ref _standing[change.Account]));
    }

    /// <summary>An account's debt of an asset is now <paramref name="baseUnits"/>.</summary>
    public void SetDebt(int account, int asset, UInt128 baseUnits)
    {
        using var writer = new WriterScope(this);
        CheckIndexes(account, asset);
        CheckValued(asset, baseUnits);
        var index = (long)account * _assets + asset;
        ref var cell = ref _cells[index];
        var owed = FixedPoint.Amount(baseUnits, _decimals[asset], up: true);
        _sums[account].Debt += Change(owed, cell.Owed, _prices[asset].Up);
        cell.Owed = owed;
        _owedBaseUnits[index] = baseUnits;
        cell.Involved = true;
        Evaluate(account);
    }

    /// <summary>
    /// An account's perp on an asset, in its cross pool, is now <paramref name="size"/> whole units (negative:
    /// short; zero closes it) opened at <paramref name="entryPrice"/>. It is marked at the asset's price as
    /// ticks set it, named "SYMBOL-PERP", at the maintenance margin rate the market sets for the asset's perp.
    /// </summary>
    /// <exception cref="ArgumentException">The market offers no perp on the asset.</exception>
    public void SetPerp(int account, int asset, decimal size, decimal entryPrice)
    {
        using var writer = new WriterScope(this);
        CheckIndexes(account, asset);
        ArgumentOutOfRangeException.ThrowIfNegative(entryPrice);
        if (!_market.Settings.PerpMaintenanceMarginRates.TryGetValue(Assets[asset], out var rate))
        {
            throw new ArgumentException($"the market offers no perp on {Assets[asset]}", nameof(asset));
        }
        var terms = PerpTerms.From(size, entryPrice, rate);
        var perps = _perps[account].Where(p => p.Asset != asset);
        _perps[account] = size == 0 ? [.. perps] : [.. perps, new LivePerp(asset, size, entryPrice, rate, terms)];
        _standing[account].HasPerps = _perps[account].Length > 0;
        _cells[(long)account * _assets + asset].Involved = true;
        Evaluate(account);
    }

    /// <summary>An account's isolated position <paramref name="id"/> is now <paramref name="pool"/>; null closes it.</summary>
    public void SetIsolated(int account, string id, MarginPositions? pool)
    {
        using var writer = new WriterScope(this);
        CheckAccount(account);
        ArgumentNullException.ThrowIfNull(id);
        if (pool is null)
        {
            _isolated[account]?.Remove(id);
            return;
        }
        var cells = pool.Collateral.Select(c => c.Asset).Concat(pool.Debts.Select(d => d.Asset))
            .Select(asset => _assetIndex.TryGetValue(asset, out var index) ? index : throw new ArgumentException($"asset {asset} is not one of the book's", nameof(pool)))
            .ToArray();
        foreach (var index in cells)
        {
            _cells[(long)account * _assets + index].Involved = true;
        }
        var pools = _isolated[account] ??= new(StringComparer.Ordinal);
        var previous = pools.TryGetValue(id, out var entry) ? entry.Health : null;
        EvaluateIsolated(account, pools, id, pool, previous);
    }

    /// <summary>
    /// A new price and oracle status for an asset: every account holding or owing it, in its cross pool
    /// or an isolated one, is re-evaluated. Any status but <see cref="OracleStatus.Ok"/> freezes the asset.
    /// </summary>
    public void SetPrice(int asset, decimal price, OracleStatus status = OracleStatus.Ok)
    {
        using var writer = new WriterScope(this);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)asset, (uint)_assets, nameof(asset));
        ArgumentOutOfRangeException.ThrowIfNegative(price);
        var previous = _prices[asset];
        var prices = AssetPrices.From(price, _liquidationThreshold[asset], _ltv[asset]);
        _prices[asset] = prices;
        var frozen = status != OracleStatus.Ok;
        _frozenAssets += (frozen ? 1 : 0) - (_frozen[asset] ? 1 : 0);
        _frozen[asset] = frozen;
        _market = _market.WithQuote(Assets[asset], price, status);
        var weight = PriceMove.Between(previous.Weight, prices.Weight);
        var debt = PriceMove.Between(previous.Up, prices.Up);
        // A sequential scan of the involvement flags beats a list of holders: it stays in cache order.
        ForEachAccount(account =>
        {
            var index = (long)account * _assets + asset;
            ref var cell = ref _cells[index];
            if (cell.Involved)
            {
                ref var sums = ref _sums[account];
                weight.Apply(ref sums.Weighted, cell.Kept);
                debt.Apply(ref sums.Debt, cell.Owed);
                Evaluate(account);
                if (_isolated[account] is { } pools)
                {
                    foreach (var (id, (pool, health)) in pools.ToArray())
                    {
                        EvaluateIsolated(account, pools, id, pool, health);
                    }
                }
            }
        });
    }

    /// <summary>
    /// Moves the pools whose status or health band changed since the last call into
    /// <paramref name="into"/>, and returns how many; the order across accounts is unspecified (a price
    /// tick evaluates accounts in parallel). The writer calls it after its writes.
    /// </summary>
    public int TakeHealthChanges(List<HealthChange> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var taken = 0;
        while (_changes.TryDequeue(out var change))
        {
            into.Add(change);
            taken++;
        }
        return taken;
    }

    /// <summary>An account's collateral of an asset summed over its chains, in base units: exactly what was set.</summary>
    public UInt128 HeldBaseUnits(int account, int asset)
    {
        CheckIndexes(account, asset);
        UInt128 sum = 0;
        for (var chain = 0; chain < _chains; chain++)
        {
            sum = checked(sum + _perChain[((long)account * _chains + chain) * _assets + asset]);
        }
        return sum;
    }

    /// <summary>An account's collateral of an asset on one chain, in base units.</summary>
    public UInt128 HeldOn(int account, int chain, int asset)
    {
        CheckIndexes(account, asset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)chain, (uint)_chains, nameof(chain));
        return _perChain[((long)account * _chains + chain) * _assets + asset];
    }

    /// <summary>An account's cross pool as positions (collateral per chain and asset, debts, perps), for planning a liquidation.</summary>
    public MarginPositions CrossPositions(int account)
    {
        CheckAccount(account);
        var collateral = new List<CollateralPosition>();
        var debts = new List<Debt>();
        for (var asset = 0; asset < _assets; asset++)
        {
            var decimals = _market[Assets[asset]].Decimals;
            for (var chain = 0; chain < _chains; chain++)
            {
                var held = _perChain[((long)account * _chains + chain) * _assets + asset];
                if (held != 0)
                {
                    collateral.Add(new CollateralPosition(Chains[chain], Assets[asset], new Amount(held, decimals)));
                }
            }
            if (_owedBaseUnits[(long)account * _assets + asset] is var owed && owed != 0)
            {
                debts.Add(new Debt(Assets[asset], new Amount(owed, decimals)));
            }
        }
        return new MarginPositions(collateral, debts, [.. _perps[account].Select(p => new PerpPosition(PerpMarket(Assets[p.Asset]), p.Size, p.Entry, _market[Assets[p.Asset]].Price, p.Rate))]);
    }

    /// <summary>An account's perp on an asset: its size in whole units (negative: short) and entry price; zeros when it has none.</summary>
    public (decimal Size, decimal EntryPrice) Perp(int account, int asset)
    {
        CheckIndexes(account, asset);
        foreach (var perp in _perps[account])
        {
            if (perp.Asset == asset)
            {
                return (perp.Size, perp.Entry);
            }
        }
        return default;
    }

    /// <summary>Whether the account holds any perp.</summary>
    public bool HasPerps(int account)
    {
        CheckAccount(account);
        return _standing[account].HasPerps;
    }

    /// <summary>An account's isolated position by id, or null when it has none.</summary>
    public MarginPositions? IsolatedPositions(int account, string id) =>
        _isolated[account] is { } pools && pools.TryGetValue(id, out var entry) ? entry.Pool : null;

    /// <summary>The health of an account's isolated position, or null when it has none by that id.</summary>
    public PoolHealth? Isolated(int account, string id) =>
        _isolated[account] is { } pools && pools.TryGetValue(id, out var entry) ? entry.Health : null;

    /// <summary>
    /// Sums every account again from its stored positions and re-evaluates it (what a naive engine does on
    /// every change). The sums come out as they were: kept by changes, they are exact.
    /// </summary>
    public void RecomputeAll()
    {
        using var writer = new WriterScope(this);
        ForEachAccount(account =>
        {
            QuoteValue weighted = default, debt = default;
            var row = (long)account * _assets;
            for (var a = 0; a < _assets; a++)
            {
                weighted += QuoteValue.Product(_cells[row + a].Kept, _prices[a].Weight);
                debt += QuoteValue.Product(_cells[row + a].Owed, _prices[a].Up);
            }
            _sums[account] = new Sums { Weighted = weighted, Debt = debt };
            Evaluate(account);
        });
    }

    public decimal? HealthFactor(int account)
    {
        var (weighted, requirement) = HealthTerms(account);
        return HealthFormula.HealthFactor(weighted, requirement);
    }

    public MarginStatus Status(int account) => _standing[account].Status;

    public decimal WeightedCollateral(int account) => HealthTerms(account).Weighted.ToDecimal();

    public decimal Requirement(int account) => HealthTerms(account).Requirement.ToDecimal();

    // Weighted collateral plus PnL, and debt plus maintenance, with the account's perps marked now.
    private (QuoteValue Weighted, QuoteValue Requirement) HealthTerms(int account)
    {
        CheckAccount(account);
        var sums = _sums[account];
        var (pnl, maintenance, _) = _standing[account].HasPerps ? MarkPerps(account) : default;
        return (sums.Weighted + pnl, sums.Debt + maintenance);
    }

    // PoolTally's rules over the account's sums. Perps and frozen assets are the exceptions that cost a
    // look at the account's positions; the common account costs its level's two products (Level). What is
    // rare (frozen assets, perps, an account below 1, a change to report) is called out of line, so that
    // the JIT's inlining budget goes to the common path's arithmetic (it ran out inside this method).
    private void Evaluate(int account)
    {
        ref var standing = ref _standing[account];
        ref readonly var sums = ref _sums[account];
        var frozen = _frozenAssets > 0 && HoldsFrozen(account);
        var weighted = sums.Weighted;
        var requirement = sums.Debt;
        var pnl = QuoteValue.Zero;
        if (standing.HasPerps)
        {
            (pnl, var maintenance, var perpFrozen) = MarkPerps(account);
            weighted += pnl;
            requirement += maintenance;
            frozen |= perpFrozen;
        }
        var level = Level(weighted, requirement, standing.Level);
        // Weighted collateral never exceeds the collateral's value (thresholds and 1 − haircut are at most
        // 1), so while weighted collateral plus PnL covers the debts the pool cannot be insolvent: the value
        // is summed only when it can decide.
        var insolvent = weighted < sums.Debt && Insolvent(account, pnl, sums.Debt);
        var nothingRequired = requirement <= QuoteValue.Zero;
        var status = HealthFormula.Status(frozen, insolvent, nothingRequired,
            belowOne: level <= _liquidationLevel, belowWarning: level <= _warningLevel);
        var band = nothingRequired ? _bands.Length : level == 0 ? 0 : _bandAtLevel[level - 1];
        standing.Level = (byte)level;
        if (status != standing.Status || band != standing.Band)
        {
            RecordChange(account, ref standing, status, band, weighted, requirement);
        }
    }

    // Whether the account holds or owes an asset whose price is frozen (PoolTally.Freezes).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool HoldsFrozen(int account)
    {
        var frozen = false;
        var row = (long)account * _assets;
        for (var a = 0; a < _assets; a++)
        {
            frozen |= PoolTally.Freezes(_cells[row + a].Held, _cells[row + a].Owed, _frozen[a]);
        }
        return frozen;
    }

    // Whether the collateral's value plus the perps' PnL is below the debts.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Insolvent(int account, QuoteValue pnl, QuoteValue debt) => (CollateralValue(account) + pnl - debt).IsNegative;

    // The account's status or band moved: reported with its health factor, and kept.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordChange(int account, ref Standing standing, MarginStatus status, int band, QuoteValue weighted, QuoteValue requirement)
    {
        _changes.Enqueue(new HealthChange(account, null, standing.Status, status, standing.Band, band, HealthFormula.HealthFactor(weighted, requirement)));
        standing.Status = status;
        standing.Band = (byte)band;
    }

    private void EvaluateIsolated(int account, Dictionary<string, (MarginPositions, PoolHealth)> pools, string id, MarginPositions pool, PoolHealth? previous)
    {
        var health = PoolEvaluator.Evaluate(pool, _market, isolated: true);
        pools[id] = (pool, health);
        var previousStatus = previous?.Status ?? MarginStatus.Healthy;
        var previousBand = previous is null ? _bands.Length : Band(previous.WeightedCollateral, previous.Requirement);
        var band = Band(health.WeightedCollateral, health.Requirement);
        if (health.Status != previousStatus || band != previousBand)
        {
            _changes.Enqueue(new HealthChange(account, id, previousStatus, health.Status, previousBand, band, health.HealthFactor));
        }
    }

    // The bands at or below an isolated pool's health factor, from its reported sums.
    private int Band(decimal weighted, decimal requirement) =>
        requirement <= 0 ? _bands.Length : _bands.Count(band => weighted >= band * requirement);

    // The number of thresholds at or below the health factor, without dividing (HealthFormula.AtOrAbove's
    // rule, the weighted side scaled once): starting from the level the account was at, usually two
    // products of the requirement decide it (cheaper here than the cache line that would keep them).
    private int Level(QuoteValue weighted, QuoteValue requirement, int from)
    {
        if (requirement <= QuoteValue.Zero)
        {
            return _levels.Length;
        }
        var scaled = weighted.Times(FixedPoint.OneNano);
        var level = from;
        while (level > 0 && scaled < requirement.Times(_levels[level - 1]))
        {
            level--;
        }
        while (level < _levels.Length && scaled >= requirement.Times(_levels[level]))
        {
            level++;
        }
        return level;
    }

    // The PnL and maintenance of an account's perps marked at the book's prices, and whether one follows a frozen price.
    private (QuoteValue Pnl, QuoteValue Maintenance, bool Frozen) MarkPerps(int account)
    {
        QuoteValue pnl = default, maintenance = default;
        var frozen = false;
        foreach (var perp in _perps[account])
        {
            var prices = _prices[perp.Asset];
            pnl += perp.Terms.Pnl(prices.Down, prices.Up);
            maintenance += perp.Terms.Maintenance(prices.Up);
            frozen |= _frozen[perp.Asset]; // PoolTally.AddPerp's rule: a perp's mark is its asset's price
        }
        return (pnl, maintenance, frozen);
    }

    // The cross pool's collateral at the prices rounded down.
    private QuoteValue CollateralValue(int account)
    {
        var value = QuoteValue.Zero;
        var row = (long)account * _assets;
        for (var a = 0; a < _assets; a++)
        {
            if (_cells[row + a].Held != 0)
            {
                value += QuoteValue.Product(_cells[row + a].Held, _prices[a].Down);
            }
        }
        return value;
    }

    // The change of a sum's term when its amount goes from one figure to another at a price.
    private static QuoteValue Change(UInt128 now, UInt128 before, UInt128 price) =>
        now >= before ? QuoteValue.Product(now - before, price) : -QuoteValue.Product(before - now, price);

    private void CheckValued(int asset, UInt128 baseUnits)
    {
        if (baseUnits >= _valuedLimit[asset])
        {
            throw new ArgumentOutOfRangeException(nameof(baseUnits), $"{baseUnits} base units of {Assets[asset]} are {MaxWholeUnits} whole units or more, beyond what the book values");
        }
    }

    // One chain's holding changes: the account's amounts and its weighted sum change by the difference.
    // Whether the holding moved.
    private bool StoreCollateral(int account, int chain, int asset, UInt128 baseUnits)
    {
        var slot = ((long)account * _chains + chain) * _assets + asset;
        var before = _perChain[slot];
        ref var cell = ref _cells[(long)account * _assets + asset];
        cell.Involved = true;
        if (before == baseUnits)
        {
            return false;
        }
        _perChain[slot] = baseUnits;
        var keep = _keep[chain * _assets + asset];
        var held = FixedPoint.Amount(baseUnits, _decimals[asset], up: false);
        var heldBefore = FixedPoint.Amount(before, _decimals[asset], up: false);
        var kept = FixedPoint.TimesFraction(held, keep);
        var keptBefore = FixedPoint.TimesFraction(heldBefore, keep);
        cell.Held = cell.Held - heldBefore + held;
        cell.Kept = cell.Kept - keptBefore + kept;
        _sums[account].Weighted += Change(kept, keptBefore, _prices[asset].Weight);
        return true;
    }

    private void Grow(int capacity)
    {
        _perChain.Resize((long)capacity * _chains * _assets);
        _cells.Resize((long)capacity * _assets);
        Array.Resize(ref _owedBaseUnits, capacity * _assets);
        _sums.Resize(capacity);
        _standing.Resize(capacity);
        Array.Resize(ref _perps, capacity);
        Array.Resize(ref _isolated, capacity);
        _capacity = capacity;
    }

    private void ForEachAccount(Action<int> body)
    {
        var count = _directory.Count;
        Parallel.For(0, (count + ChunkSize - 1) / ChunkSize, chunk =>
        {
            var end = Math.Min(count, (chunk + 1) * ChunkSize);
            for (var account = chunk * ChunkSize; account < end; account++)
            {
                body(account);
            }
        });
    }

    private static Dictionary<T, int> IndexOf<T>(IReadOnlyList<T> items, string what)
        where T : notnull
    {
        var index = new Dictionary<T, int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!index.TryAdd(items[i], i))
            {
                throw new ArgumentException($"{what} {items[i]} is listed twice");
            }
        }
        return index;
    }

    /// <summary>The market name of the perp that follows <paramref name="asset"/>: "SYMBOL-PERP".</summary>
    public static string PerpMarket(AssetId asset) => $"{asset.Symbol}-PERP";

    // A perp as set (size and entry in decimal, for reading back) and in fixed point, marked at the book's price of its asset.
    private readonly record struct LivePerp(int Asset, decimal Size, decimal Entry, decimal Rate, PerpTerms Terms);

    // An account's amounts of one asset, in 10^-18 whole units: held over its chains, kept after their
    // haircuts (rounded down per chain), owed (rounded up).
    // 64 bytes, one cache line (the table is 2 MiB-aligned).
    private struct Cell
    {
        public UInt128 Held;
        public UInt128 Kept;
        public UInt128 Owed;
        public bool Involved;                      // ever held or owed, so a tick must re-evaluate it
    }

    // An account's cross-pool sums at 10^-36: 64 bytes, one cache line.
    private struct Sums
    {
        public QuoteValue Weighted;                // Σ kept · price · LT
        public QuoteValue Debt;                    // Σ owed · price (up)
    }

    // Where an account's sums stand, in 8 bytes: a million accounts' stay mostly in cache.
    private struct Standing
    {
        public MarginStatus Status;
        public byte Level;                         // how many of the book's thresholds the health factor is at or above
        public byte Band;
        public bool HasPerps;
    }

    // A price's move, as a magnitude and a direction: applied to each holder's sum as amount · magnitude.
    private readonly record struct PriceMove(UInt128 Magnitude, bool Falls)
    {
        public static PriceMove Between(UInt128 from, UInt128 to) => to >= from ? new(to - from, false) : new(from - to, true);

        public void Apply(ref QuoteValue sum, UInt128 amount)
        {
            if (amount == 0 || Magnitude == 0)
            {
                return;
            }
            var change = QuoteValue.Product(amount, Magnitude);
            sum = Falls ? sum - change : sum + change;
        }
    }

    // Marks the book as being written by the current thread for the scope's lifetime; a second writer throws.
    private readonly ref struct WriterScope
    {
        private readonly CrossMarginBook _book;

        public WriterScope(CrossMarginBook book)
        {
            if (Interlocked.CompareExchange(ref book._writer, Environment.CurrentManagedThreadId, 0) != 0)
            {
                throw new InvalidOperationException("the margin book has one writer at a time, and another thread is writing");
            }
            _book = book;
        }

        public void Dispose() => Volatile.Write(ref _book._writer, 0);
    }

    private void CheckAccount(int account) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)account, (uint)_directory.Count, nameof(account));

    private void CheckIndexes(int account, int asset)
    {
        CheckAccount(account);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)asset, (uint)_assets, nameof(asset));
    }
}
