using Aggregator.Core.Chains;

namespace Aggregator.Margin.Live;

/// <summary>
/// The book's accounts by id, and their deposit addresses by chain, so an observed balance finds its
/// account. EVM addresses are compared case-insensitively (a checksummed and a lower-case spelling are
/// one address); an address belongs to one account only, or its balance would count twice.
/// </summary>
internal sealed class AccountDirectory
{
    private readonly List<string> _ids = [];
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>[] _byAddress; // per chain, compared as that chain's family compares addresses
    // EVM addresses by their 20 bytes: every observed balance looks one up, and at a million accounts a
    // string key costs case-insensitive hashing and cache misses that one line of 20 bytes does not.
    private readonly EvmAddressTable?[] _byEvmKey;
    private readonly IReadOnlyList<ChainId> _chains;

    public AccountDirectory(IReadOnlyList<ChainId> chains)
    {
        _chains = chains;
        _byAddress = [.. chains.Select(c => new Dictionary<string, int>(c.Family == ChainFamily.Evm ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal))];
        _byEvmKey = [.. chains.Select(c => c.Family == ChainFamily.Evm ? new EvmAddressTable() : null)];
    }

    public int Count => _ids.Count;

    public string Id(int account) => _ids[account];

    public bool TryFind(string id, out int account) => _byId.TryGetValue(id, out account);

    public int Add(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("an account id must not be empty", nameof(id));
        }
        if (_byId.ContainsKey(id))
        {
            throw new ArgumentException($"account '{id}' is already in the book", nameof(id));
        }
        _byId.Add(id, _ids.Count);
        _ids.Add(id);
        return _ids.Count - 1;
    }

    public void AddAddress(int account, int chain, string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (_byAddress[chain].TryGetValue(address, out var owner))
        {
            throw new ArgumentException(owner == account
                ? $"address {address} on {_chains[chain]} is already account '{_ids[account]}''s"
                : $"address {address} on {_chains[chain]} already belongs to account '{_ids[owner]}', not '{_ids[account]}'", nameof(address));
        }
        _byAddress[chain].Add(address, account);
        if (_byEvmKey[chain] is { } keys && EvmKey.TryParse(address, out var key))
        {
            keys.TryAdd(key, account); // not there yet: the string table above refuses any spelling twice
        }
    }

    /// <summary>
    /// Each address's account on a chain, or -1 where it is no deposit address: an EVM chain's keys are
    /// read a few addresses ahead and their slots asked for, so that the cache misses of a batch overlap.
    /// </summary>
    public void FindByAddress(int chain, ReadOnlySpan<string> addresses, Span<int> accounts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(accounts.Length, addresses.Length, nameof(accounts));
        if (_byEvmKey[chain] is not { } table)
        {
            for (var i = 0; i < addresses.Length; i++)
            {
                accounts[i] = _byAddress[chain].TryGetValue(addresses[i], out var account) ? account : -1;
            }
            return;
        }
        const int Ahead = 16;
        Span<EvmKey> keys = stackalloc EvmKey[Ahead];
        Span<bool> parsed = stackalloc bool[Ahead];
        for (var i = 0; i < addresses.Length + Ahead; i++)
        {
            var ring = i % Ahead;
            var due = i - Ahead; // its key is in the ring slot that address i takes next
            if (due >= 0)
            {
                accounts[due] = parsed[ring]
                    ? table.TryFind(keys[ring], out var account) ? account : -1
                    : _byAddress[chain].TryGetValue(addresses[due], out account) ? account : -1; // not 0x and 40 hex digits
            }
            if (i < addresses.Length && (parsed[ring] = EvmKey.TryParse(addresses[i], out keys[ring])))
            {
                table.Prefetch(keys[ring]);
            }
        }
    }
}
