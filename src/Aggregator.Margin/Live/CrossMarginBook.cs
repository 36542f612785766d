using Aggregator.Core.Assets;
using Aggregator.Core.Chains;
using Aggregator.Margin.Evaluation;
using Aggregator.Margin.Markets;

namespace Aggregator.Margin.Live;

/// <summary>
/// The live cross-margin book: every account's collateral per chain and debt per asset, with each
/// health factor kept current as balances and prices change. A balance change recomputes one account;
/// a price tick recomputes every account holding or owing that asset, in parallel. Same formulas as
/// <see cref="PoolEvaluator"/> (cross pools without perps), on arrays indexed by account, chain and asset.
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

    private readonly decimal[] _perChain;          // whole units, per account·chain·asset
    private readonly decimal[] _held;              // Σ over chains, per account·asset
    private readonly decimal[] _effective;         // Σ over chains of amount · (1 - haircut)
    private readonly decimal[] _debt;              // whole units, per account·asset
    private readonly bool[] _involved;             // account·asset: ever held or owed, so a tick must re-evaluate it

    private readonly decimal[] _weighted;
    private readonly decimal[] _requirement;
    private readonly MarginStatus[] _status;

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
    }

    public IReadOnlyList<ChainId> Chains { get; }

    public IReadOnlyList<AssetId> Assets { get; }

    public int AccountCount { get; }

    /// <summary>An account's collateral of an asset on a chain is now <paramref name="baseUnits"/>.</summary>
    public void SetCollateral(int account, int chain, int asset, UInt128 baseUnits)
    {
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
        CheckIndexes(account, asset);
        var cell = (long)account * _assets + asset;
        _debt[cell] = (decimal)baseUnits * _unitInverse[asset];
        _involved[cell] = true;
        Recompute(account);
    }

    /// <summary>A new price for an asset: every account holding or owing it is re-evaluated.</summary>
    public void SetPrice(int asset, decimal price, bool frozen = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)asset, (uint)_assets, nameof(asset));
        ArgumentOutOfRangeException.ThrowIfNegative(price);
        _price[asset] = price;
        _weight[asset] = price * _liquidationThreshold[asset];
        _frozen[asset] = frozen;
        // A sequential scan of the involvement flags beats a list of holders: it stays in cache order.
        ForEachAccount(account =>
        {
            if (_involved[(long)account * _assets + asset])
            {
                Recompute(account);
            }
        });
    }

    /// <summary>Re-evaluates every account from its stored positions (what a naive engine does on every change).</summary>
    public void RecomputeAll() => ForEachAccount(Recompute);

    public decimal? HealthFactor(int account) => HealthFormula.HealthFactor(_weighted[account], _requirement[account]);

    public MarginStatus Status(int account) => _status[account];

    public decimal WeightedCollateral(int account) => _weighted[account];

    public decimal Requirement(int account) => _requirement[account];

    private void Recompute(int account)
    {
        decimal weighted = 0, debtValue = 0;
        var frozen = false;
        var row = (long)account * _assets;
        for (var a = 0; a < _assets; a++)
        {
            var effective = _effective[row + a];
            var debt = _debt[row + a];
            if (effective != 0)
            {
                weighted += effective * _weight[a];
                frozen |= _frozen[a];
            }
            if (debt != 0)
            {
                debtValue += debt * _price[a];
                frozen |= _frozen[a];
            }
        }
        // Weighted collateral never exceeds collateral value (LT and 1 - haircut are at most 1), so an
        // account covering its debt with weighted collateral cannot be insolvent: only below that is the
        // full collateral value needed to tell insolvent from liquidatable.
        var netValue = weighted - debtValue;
        if (netValue < 0)
        {
            decimal collateralValue = 0;
            for (var a = 0; a < _assets; a++)
            {
                var held = _held[row + a];
                if (held != 0)
                {
                    collateralValue += held * _price[a];
                    frozen |= _frozen[a];
                }
            }
            netValue = collateralValue - debtValue;
        }
        _weighted[account] = weighted;
        _requirement[account] = debtValue;
        _status[account] = HealthFormula.Status(frozen, netValue, weighted, debtValue, _warning);
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

    private void CheckIndexes(int account, int asset)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)account, (uint)AccountCount, nameof(account));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)asset, (uint)_assets, nameof(asset));
    }
}
