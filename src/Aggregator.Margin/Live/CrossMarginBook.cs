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
/// health factor read during a write may mix two evaluations (decimals are not read atomically).
/// </para>
/// </summary>
public sealed class CrossMarginBook
{
    private const int ChunkSize = 4096;
    // A batch this large is worth splitting across the cores: each change costs about a microsecond
    // (a random account's cache lines), the split some tens.
    private const int ParallelBatch = 256;
    private static readonly decimal[] DefaultHealthBands = [1.25m, 1.5m, 2m];
    // Below 2^96 a base-unit count converts to decimal exactly, in one step.
    private static readonly UInt128 DecimalIntegers = (UInt128)ulong.MaxValue << 32 | uint.MaxValue;

    /// <summary>
    /// The largest holding of one asset on one chain the book values, in whole units. Holdings are kept
    /// exactly in base units whatever their size (liabilities come from them); values are decimal, and
    /// this bound with the engine's price bound keeps every value and every account's sum of them inside
    /// decimal's range.
    /// </summary>
    public const decimal MaxWholeUnits = 1_000_000_000_000_000m;

    private readonly int _chains;
    private readonly int _assets;
    private readonly decimal _warning;
    private readonly decimal[] _bands;             // health-factor thresholds, ascending
    // Amounts are whole units (base units · 10^-decimals, exact in decimal). Folding 10^-decimals into
    // the prices instead would be faster but loses digits: decimal holds at most 28 decimal places.
    private readonly decimal[] _unitInverse;       // 10^-decimals per asset
    private readonly UInt128[] _unitScale;         // 10^decimals per asset
    private readonly decimal[] _keep;              // 1 - haircut, per chain·asset
    private readonly decimal[] _liquidationThreshold;
    private readonly decimal[] _price;
    private readonly decimal[] _weight;            // price · effective LT, per asset
    private readonly bool[] _frozen;
    private readonly Dictionary<AssetId, int> _assetIndex;
    private readonly Dictionary<ChainId, int> _chainIndex;
    private readonly AccountDirectory _directory;
    private readonly ConcurrentQueue<HealthChange> _changes = new();
    private MarketState _market;                   // the same prices and statuses, for isolated pools

    // Per account, grown by doubling as accounts are added.
    private int _capacity;
    private UInt128[] _perChain = [];              // base units, exactly, per account·chain·asset
    private decimal[] _held = [];                  // Σ over chains, per account·asset
    private decimal[] _effective = [];             // Σ over chains of amount · (1 - haircut)
    private decimal[] _debt = [];                  // whole units, per account·asset
    private bool[] _involved = [];                 // account·asset: ever held or owed, so a tick must re-evaluate it
    private Figures[] _figures = [];               // the evaluation, in one array: one or two cache lines per update
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
        for (var i = 0; i < _bands.Length; i++)
        {
            if (_bands[i] <= 0 || (i > 0 && _bands[i] <= _bands[i - 1]))
            {
                throw new ArgumentException("health bands must be positive and strictly ascending", nameof(healthBands));
            }
        }
        _warning = market.Settings.WarningHealthFactor;
        _market = market;
        _directory = new AccountDirectory(Chains);
        _unitInverse = new decimal[_assets];
        _unitScale = new UInt128[_assets];
        _liquidationThreshold = new decimal[_assets];
        _price = new decimal[_assets];
        _weight = new decimal[_assets];
        _frozen = new bool[_assets];
        _keep = new decimal[_chains * _assets];
        for (var a = 0; a < _assets; a++)
        {
            var state = market[assets[a]];
            _unitInverse[a] = 1 / state.UnitScale;
            _unitScale[a] = UInt128.Parse(state.UnitScale.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
            _liquidationThreshold[a] = state.EffectiveLiquidationThreshold;
            _price[a] = state.Price;
            _weight[a] = state.Price * state.EffectiveLiquidationThreshold;
            _frozen[a] = state.Frozen;
            for (var c = 0; c < _chains; c++)
            {
                _keep[c * _assets + a] = 1 - market.Haircut(chains[c], assets[a]);
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
        _figures[account].Status = MarginStatus.Healthy;
        _figures[account].Band = _bands.Length;
        SetBandBounds(ref _figures[account], _bands.Length);
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

    /// <summary>The account whose deposit address this is, if any (EVM addresses in any case).</summary>
    public bool TryFindAccount(int chain, string address, out int account) =>
        _directory.TryFindByAddress(chain, address, out account);

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
        Recompute(account);
    }

    /// <summary>
    /// A batch of collateral changes (one chain's observation at one height, say), applied across the
    /// cores: each worker owns the accounts of its residue class, so no account is touched by two.
    /// Later entries for the same account and position win, as if applied one by one.
    /// </summary>
    public void SetCollateral(ReadOnlySpan<CollateralChange> changes)
    {
        using var writer = new WriterScope(this);
        foreach (var change in changes)
        {
            CheckIndexes(change.Account, change.Asset);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)change.Chain, (uint)_chains, nameof(changes));
            CheckValued(change.Asset, change.BaseUnits);
        }
        var workers = changes.Length < ParallelBatch ? 1 : Environment.ProcessorCount;
        var batch = changes.ToArray();
        Parallel.For(0, workers, worker =>
        {
            // Each change touches a random account's rows, five cache misses: asking for the rows of the
            // change a few ahead lets those misses overlap with this change's arithmetic.
            var ahead = -1;
            for (var i = 0; i < batch.Length; i++)
            {
                var change = batch[i];
                if (change.Account % workers != worker)
                {
                    continue;
                }
                for (ahead = Math.Max(ahead, i); ahead < batch.Length && ahead < i + PrefetchDistance; ahead++)
                {
                    if (batch[ahead].Account % workers == worker)
                    {
                        Prefetch(batch[ahead]);
                    }
                }
                StoreCollateral(change.Account, change.Chain, change.Asset, change.BaseUnits);
                Recompute(change.Account);
            }
        });
    }

    // How many changes ahead the rows are asked for: enough to cover a miss (about 100 ns here) with
    // the arithmetic of the changes in between, few enough that the lines are still in cache when used.
    private const int PrefetchDistance = 8;

    // A hint only: a stale address (the array moved since) is harmless to a prefetch.
    private unsafe void Prefetch(in CollateralChange change)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        var cell = (long)change.Account * _assets;
        Sse.Prefetch0(Unsafe.AsPointer(ref _perChain[((long)change.Account * _chains + change.Chain) * _assets + change.Asset]));
        Sse.Prefetch0(Unsafe.AsPointer(ref _held[cell]));
        Sse.Prefetch0(Unsafe.AsPointer(ref _effective[cell]));
        Sse.Prefetch0(Unsafe.AsPointer(ref _debt[cell]));
        Sse.Prefetch0(Unsafe.AsPointer(ref _figures[change.Account]));
    }

    /// <summary>An account's debt of an asset is now <paramref name="baseUnits"/>.</summary>
    public void SetDebt(int account, int asset, UInt128 baseUnits)
    {
        using var writer = new WriterScope(this);
        CheckIndexes(account, asset);
        var cell = (long)account * _assets + asset;
        _debt[cell] = (decimal)baseUnits * _unitInverse[asset];
        _involved[cell] = true;
        Recompute(account);
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
        var perps = _perps[account].Where(p => p.Asset != asset);
        _perps[account] = size == 0 ? [.. perps] : [.. perps, new LivePerp(asset, size, entryPrice, rate)];
        _figures[account].HasPerps = _perps[account].Length > 0;
        _involved[(long)account * _assets + asset] = true;
        Recompute(account);
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
            _involved[(long)account * _assets + index] = true;
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
        _price[asset] = price;
        _weight[asset] = price * _liquidationThreshold[asset];
        _frozen[asset] = status != OracleStatus.Ok;
        _market = _market.WithQuote(Assets[asset], price, status);
        // A sequential scan of the involvement flags beats a list of holders: it stays in cache order.
        ForEachAccount(account =>
        {
            if (_involved[(long)account * _assets + asset])
            {
                Recompute(account);
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
            if (_debt[(long)account * _assets + asset] is var owed && owed != 0)
            {
                debts.Add(new Debt(Assets[asset], new Amount(BaseUnits(owed, asset), decimals)));
            }
        }
        return new MarginPositions(collateral, debts, [.. _perps[account].Select(p => new PerpPosition(PerpMarket(Assets[p.Asset]), p.Size, p.Entry, _price[p.Asset], p.Rate))]);
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
        return _figures[account].HasPerps;
    }

    /// <summary>An account's isolated position by id, or null when it has none.</summary>
    public MarginPositions? IsolatedPositions(int account, string id) =>
        _isolated[account] is { } pools && pools.TryGetValue(id, out var entry) ? entry.Pool : null;

    /// <summary>The health of an account's isolated position, or null when it has none by that id.</summary>
    public PoolHealth? Isolated(int account, string id) =>
        _isolated[account] is { } pools && pools.TryGetValue(id, out var entry) ? entry.Health : null;

    /// <summary>Re-evaluates every account from its stored positions (what a naive engine does on every change).</summary>
    public void RecomputeAll()
    {
        using var writer = new WriterScope(this);
        ForEachAccount(Recompute);
    }

    public decimal? HealthFactor(int account) => HealthFormula.HealthFactor(_figures[account].Weighted, _figures[account].Requirement);

    public MarginStatus Status(int account) => _figures[account].Status;

    public decimal WeightedCollateral(int account) => _figures[account].Weighted;

    public decimal Requirement(int account) => _figures[account].Requirement;

    // PoolTally's rules over the arrays, summed in locals (see PoolTally on why not in the struct).
    private void Recompute(int account)
    {
        decimal weighted = 0, debtValue = 0, pnl = 0, maintenance = 0;
        bool frozen = false, anyHeld = false, anyOwed = false;
        var row = (long)account * _assets;
        for (var a = 0; a < _assets; a++)
        {
            var held = _held[row + a];
            var owed = _debt[row + a];
            frozen |= PoolTally.Freezes(held, owed, _frozen[a]);
            // The first term is taken as it is: 0 + x is x to the bit (checked over every scale), and the
            // addition, which rescales the 0, costs a price tick about a tenth of its time (measured).
            if (held != 0)
            {
                var term = _effective[row + a] * _weight[a];
                weighted = anyHeld ? weighted + term : term;
                anyHeld = true;
            }
            if (owed != 0)
            {
                var term = owed * _price[a];
                debtValue = anyOwed ? debtValue + term : term;
                anyOwed = true;
            }
        }
        ref var figures = ref _figures[account];
        // Perps live apart (an array load per account is a cache miss the perp-less majority skips).
        if (figures.HasPerps)
        {
            foreach (var perp in _perps[account])
            {
                pnl += PerpPosition.PnlAt(perp.Size, perp.Entry, _price[perp.Asset]);
                maintenance += PerpPosition.MaintenanceAt(perp.Size, _price[perp.Asset], perp.Rate);
                frozen |= _frozen[perp.Asset]; // PoolTally.AddPerp's rule: a perp's mark is its asset's price
            }
        }
        var healthWeighted = figures.HasPerps ? weighted + pnl : weighted;
        var requirement = figures.HasPerps ? debtValue + maintenance : debtValue;
        // Decimal products are the cost here: the full collateral value only when it can decide the status.
        var collateralValue = weighted;
        if (PoolTally.NeedsCollateralValue(healthWeighted, debtValue))
        {
            collateralValue = 0;
            for (var a = 0; a < _assets; a++)
            {
                if (_held[row + a] != 0)
                {
                    collateralValue += _held[row + a] * _price[a];
                }
            }
        }
        var status = PoolTally.Status(frozen, collateralValue, healthWeighted, pnl, debtValue, requirement, _warning);
        figures.Weighted = healthWeighted;
        var band = figures.Band;
        if (requirement != figures.Requirement)
        {
            figures.Requirement = requirement;
            SetBandBounds(ref figures, band);
        }
        if (healthWeighted < figures.BandLow || healthWeighted >= figures.BandHigh)
        {
            band = Band(healthWeighted, requirement, band);
            SetBandBounds(ref figures, band);
        }
        if (status != figures.Status || band != figures.Band)
        {
            _changes.Enqueue(new HealthChange(account, null, figures.Status, status, figures.Band, band, HealthFormula.HealthFactor(healthWeighted, requirement)));
            figures.Status = status;
            figures.Band = band;
        }
    }

    // The weighted collateral at which the account leaves its band, kept so that most updates compare
    // instead of multiplying (two full-precision decimal products cost a fifth of an update, measured).
    private void SetBandBounds(ref Figures figures, int band)
    {
        if (figures.Requirement <= 0)
        {
            figures.BandLow = decimal.MinValue;
            figures.BandHigh = decimal.MaxValue;
            return;
        }
        figures.BandLow = band == 0 ? decimal.MinValue : _bands[band - 1] * figures.Requirement;
        figures.BandHigh = band == _bands.Length ? decimal.MaxValue : _bands[band] * figures.Requirement;
    }

    private void EvaluateIsolated(int account, Dictionary<string, (MarginPositions, PoolHealth)> pools, string id, MarginPositions pool, PoolHealth? previous)
    {
        var health = PoolEvaluator.Evaluate(pool, _market, isolated: true);
        pools[id] = (pool, health);
        var previousStatus = previous?.Status ?? MarginStatus.Healthy;
        var previousBand = previous is null ? _bands.Length : Band(previous.WeightedCollateral, previous.Requirement, _bands.Length);
        var band = Band(health.WeightedCollateral, health.Requirement, previousBand);
        if (health.Status != previousStatus || band != previousBand)
        {
            _changes.Enqueue(new HealthChange(account, id, previousStatus, health.Status, previousBand, band, health.HealthFactor));
        }
    }

    // The number of thresholds at or below the health factor, without dividing: starting from the band
    // the account was in, usually one or two products decide it.
    private int Band(decimal weighted, decimal requirement, int from)
    {
        if (requirement <= 0)
        {
            return _bands.Length;
        }
        var band = from;
        while (band > 0 && weighted < _bands[band - 1] * requirement)
        {
            band--;
        }
        while (band < _bands.Length && weighted >= _bands[band] * requirement)
        {
            band++;
        }
        return band;
    }

    private UInt128 BaseUnits(decimal wholeUnits, int asset) => (UInt128)(wholeUnits * _market[Assets[asset]].UnitScale);

    // Whole units as a decimal: exact below 2^96 base units; above, the integer part exactly and the
    // fraction rounded to decimal's 28 digits (values only: the holding itself is kept exactly).
    private decimal WholeUnits(UInt128 baseUnits, int asset) => baseUnits <= DecimalIntegers
        ? (decimal)baseUnits * _unitInverse[asset]
        : (decimal)(baseUnits / _unitScale[asset]) + (decimal)(baseUnits % _unitScale[asset]) * _unitInverse[asset];

    private void CheckValued(int asset, UInt128 baseUnits)
    {
        if (baseUnits / _unitScale[asset] >= (UInt128)(ulong)MaxWholeUnits)
        {
            throw new ArgumentOutOfRangeException(nameof(baseUnits), $"{baseUnits} base units of {Assets[asset]} are {MaxWholeUnits} whole units or more, beyond what the book values");
        }
    }

    private void StoreCollateral(int account, int chain, int asset, UInt128 baseUnits)
    {
        var slot = ((long)account * _chains + chain) * _assets + asset;
        var change = WholeUnits(baseUnits, asset) - WholeUnits(_perChain[slot], asset);
        _perChain[slot] = baseUnits;
        var cell = (long)account * _assets + asset;
        _held[cell] += change;
        _effective[cell] += change * _keep[chain * _assets + asset];
        _involved[cell] = true;
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _perChain, capacity * _chains * _assets);
        Array.Resize(ref _held, capacity * _assets);
        Array.Resize(ref _effective, capacity * _assets);
        Array.Resize(ref _debt, capacity * _assets);
        Array.Resize(ref _involved, capacity * _assets);
        Array.Resize(ref _figures, capacity);
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

    // A perp kept as numbers: marked at the book's price of its asset whenever it is evaluated.
    private readonly record struct LivePerp(int Asset, decimal Size, decimal Entry, decimal Rate);

    // An account's cross-pool evaluation, and the band bounds that spare most updates a product.
    private struct Figures
    {
        public decimal Weighted;                   // weighted collateral + unrealized PnL
        public decimal Requirement;                // debts + perp maintenance
        public decimal BandLow;                    // weighted collateral below which the band drops
        public decimal BandHigh;                   // weighted collateral at which it rises
        public MarginStatus Status;
        public int Band;
        public bool HasPerps;
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
