using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Margin.Evaluation;
using Aggregator.Core.Positions;
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
/// Single writer: one thread at a time may call the mutating methods (the engine's consumer); a second
/// concurrent writer gets an <see cref="InvalidOperationException"/> instead of a silently torn state.
/// Readers may read at any time and see each account's last complete evaluation.
/// </summary>
public sealed class CrossMarginBook
{
    private const int ChunkSize = 4096;

    private readonly int _chains;
    private readonly int _assets;
    private readonly decimal _warning;
    // Amounts are whole units (base units · 10^-decimals, exact in decimal). Folding 10^-decimals into
    // the prices instead would be faster but loses digits: decimal holds at most 28 decimal places.
    private readonly decimal[] _unitInverse;       // 10^-decimals per asset
    private readonly decimal[] _keep;              // 1 - haircut, per chain·asset
    private readonly decimal[] _liquidationThreshold;
    private readonly decimal[] _price;
    private readonly decimal[] _weight;            // price · effective LT, per asset
    private readonly bool[] _frozen;
    private MarketState _market;                   // the same prices and statuses, for isolated pools

    private readonly decimal[] _perChain;          // whole units, per account·chain·asset
    private readonly decimal[] _held;              // Σ over chains, per account·asset
    private readonly decimal[] _effective;         // Σ over chains of amount · (1 - haircut)
    private readonly decimal[] _debt;              // whole units, per account·asset
    private readonly bool[] _involved;             // account·asset: ever held or owed, so a tick must re-evaluate it

    private readonly decimal[] _weighted;
    private readonly decimal[] _requirement;
    private readonly MarginStatus[] _status;
    private readonly PerpPosition[][] _perps;
    private readonly Dictionary<string, (MarginPositions Pool, PoolHealth Health)>?[] _isolated;
    private readonly Dictionary<AssetId, int> _assetIndex;
    private int _writer;

    public CrossMarginBook(MarketState market, IReadOnlyList<ChainId> chains, IReadOnlyList<AssetId> assets, int accounts)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentOutOfRangeException.ThrowIfNegative(accounts);
        Chains = chains.ToArray();
        Assets = assets.ToArray();
        AccountCount = accounts;
        _chains = chains.Count;
        _assets = assets.Count;
        _warning = market.Settings.WarningHealthFactor;
        _unitInverse = new decimal[_assets];
        _liquidationThreshold = new decimal[_assets];
        _market = market;
        _assetIndex = Assets.Select((a, i) => (a, i)).ToDictionary(p => p.a, p => p.i);
        _price = new decimal[_assets];
        _weight = new decimal[_assets];
        _frozen = new bool[_assets];
        _keep = new decimal[_chains * _assets];
        for (var a = 0; a < _assets; a++)
        {
            var state = market[assets[a]];
            _unitInverse[a] = 1 / state.UnitScale;
            _liquidationThreshold[a] = state.EffectiveLiquidationThreshold;
            _price[a] = state.Price;
            _weight[a] = state.Price * state.EffectiveLiquidationThreshold;
            _frozen[a] = state.Frozen;
            for (var c = 0; c < _chains; c++)
            {
                _keep[c * _assets + a] = 1 - market.Haircut(chains[c], assets[a]);
            }
        }
        _perChain = new decimal[(long)accounts * _chains * _assets];
        _held = new decimal[(long)accounts * _assets];
        _effective = new decimal[(long)accounts * _assets];
        _debt = new decimal[(long)accounts * _assets];
        _involved = new bool[(long)accounts * _assets];
        _weighted = new decimal[accounts];
        _requirement = new decimal[accounts];
        _status = new MarginStatus[accounts];
        Array.Fill(_status, MarginStatus.Healthy);
        _perps = new PerpPosition[accounts][];
        Array.Fill(_perps, []);
        _isolated = new Dictionary<string, (MarginPositions, PoolHealth)>?[accounts];
    }

    public IReadOnlyList<ChainId> Chains { get; }

    public IReadOnlyList<AssetId> Assets { get; }

    /// <summary>The market as the book sees it now (prices and oracle statuses as last set).</summary>
    public MarketState Market => _market;

    public int AccountCount { get; }

    /// <summary>An account's collateral of an asset on a chain is now <paramref name="baseUnits"/>.</summary>
    public void SetCollateral(int account, int chain, int asset, UInt128 baseUnits)
    {
        using var writer = new WriterScope(this);
        CheckIndexes(account, asset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)chain, (uint)_chains, nameof(chain));
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
        }
        var workers = changes.Length < ChunkSize ? 1 : Environment.ProcessorCount;
        var batch = changes.ToArray();
        Parallel.For(0, workers, worker =>
        {
            foreach (var change in batch)
            {
                if (change.Account % workers == worker)
                {
                    StoreCollateral(change.Account, change.Chain, change.Asset, change.BaseUnits);
                    Recompute(change.Account);
                }
            }
        });
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

    /// <summary>An account's perps in its cross pool are now <paramref name="perps"/> (marked at their own mark prices).</summary>
    public void SetPerps(int account, IReadOnlyList<PerpPosition> perps)
    {
        using var writer = new WriterScope(this);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)account, (uint)AccountCount, nameof(account));
        ArgumentNullException.ThrowIfNull(perps);
        _perps[account] = perps.ToArray();
        Recompute(account);
    }

    /// <summary>An account's isolated position <paramref name="id"/> is now <paramref name="pool"/>; null closes it.</summary>
    public void SetIsolated(int account, string id, MarginPositions? pool)
    {
        using var writer = new WriterScope(this);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)account, (uint)AccountCount, nameof(account));
        ArgumentNullException.ThrowIfNull(id);
        if (pool is null)
        {
            _isolated[account]?.Remove(id);
            return;
        }
        foreach (var asset in pool.Collateral.Select(c => c.Asset).Concat(pool.Debts.Select(d => d.Asset)))
        {
            if (!_assetIndex.TryGetValue(asset, out var index))
            {
                throw new ArgumentException($"asset {asset} is not one of the book's", nameof(pool));
            }
            _involved[(long)account * _assets + index] = true;
        }
        (_isolated[account] ??= new(StringComparer.Ordinal))[id] = (pool, PoolEvaluator.Evaluate(pool, _market, isolated: true));
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
                    foreach (var (id, (pool, _)) in pools.ToArray())
                    {
                        pools[id] = (pool, PoolEvaluator.Evaluate(pool, _market, isolated: true));
                    }
                }
            }
        });
    }

    /// <summary>The health of an account's isolated position, or null when it has none by that id.</summary>
    public PoolHealth? Isolated(int account, string id) =>
        _isolated[account] is { } pools && pools.TryGetValue(id, out var entry) ? entry.Health : null;

    /// <summary>Re-evaluates every account from its stored positions (what a naive engine does on every change).</summary>
    public void RecomputeAll() => ForEachAccount(Recompute);

    public decimal? HealthFactor(int account) => HealthFormula.HealthFactor(_weighted[account], _requirement[account]);

    public MarginStatus Status(int account) => _status[account];

    public decimal WeightedCollateral(int account) => _weighted[account];

    public decimal Requirement(int account) => _requirement[account];

    private void Recompute(int account)
    {
        var tally = new PoolTally();
        var row = (long)account * _assets;
        for (var a = 0; a < _assets; a++)
        {
            tally.AddHealthWeight(_held[row + a], _effective[row + a], _weight[a], _frozen[a]);
            tally.AddDebt(_debt[row + a], _price[a], _frozen[a]);
        }
        var perps = _perps[account];
        for (var i = 0; i < perps.Length; i++)
        {
            tally.AddPerp(perps[i]);
        }
        // Decimal products are the cost here: the full collateral value only when it can decide the status.
        if (tally.NeedsCollateralValue)
        {
            for (var a = 0; a < _assets; a++)
            {
                tally.AddCollateralValue(_held[row + a], _price[a]);
            }
        }
        else
        {
            tally.UseWeightedAsValueBound();
        }
        _weighted[account] = tally.HealthWeighted;
        _requirement[account] = tally.Requirement;
        _status[account] = tally.Status(_warning);
    }

    private void StoreCollateral(int account, int chain, int asset, UInt128 baseUnits)
    {
        var amount = (decimal)baseUnits * _unitInverse[asset];
        var slot = ((long)account * _chains + chain) * _assets + asset;
        var change = amount - _perChain[slot];
        _perChain[slot] = amount;
        var cell = (long)account * _assets + asset;
        _held[cell] += change;
        _effective[cell] += change * _keep[chain * _assets + asset];
        _involved[cell] = true;
    }

    private void ForEachAccount(Action<int> body) =>
        Parallel.For(0, (AccountCount + ChunkSize - 1) / ChunkSize, chunk =>
        {
            var end = Math.Min(AccountCount, (chunk + 1) * ChunkSize);
            for (var account = chunk * ChunkSize; account < end; account++)
            {
                body(account);
            }
        });

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

    private void CheckIndexes(int account, int asset)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)account, (uint)AccountCount, nameof(account));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)asset, (uint)_assets, nameof(asset));
    }
}
