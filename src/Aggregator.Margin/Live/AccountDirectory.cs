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
    // string key costs case-insensitive hashing and a cache miss more than three machine words do.
    private readonly Dictionary<EvmKey, int>?[] _byEvmKey;
    private readonly IReadOnlyList<ChainId> _chains;

    public AccountDirectory(IReadOnlyList<ChainId> chains)
    {
        _chains = chains;
        _byAddress = [.. chains.Select(c => new Dictionary<string, int>(c.Family == ChainFamily.Evm ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal))];
        _byEvmKey = [.. chains.Select(c => c.Family == ChainFamily.Evm ? new Dictionary<EvmKey, int>() : null)];
    }

    /// <summary>An EVM address's 20 bytes as three words (any spelling of the hex, either case).</summary>
    private readonly record struct EvmKey(ulong High, ulong Middle, uint Low)
    {
        public static bool TryParse(string address, out EvmKey key)
        {
            key = default;
            Span<byte> bytes = stackalloc byte[20];
            if (address.Length != 42 || address[0] != '0' || (address[1] | 0x20) != 'x'
                || Convert.FromHexString(address.AsSpan(2), bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 20)
            {
                return false;
            }
            key = new EvmKey(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]));
            return true;
        }
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
            keys.Add(key, account);
        }
    }

    public bool TryFindByAddress(int chain, string address, out int account) =>
        _byEvmKey[chain] is { } keys && EvmKey.TryParse(address, out var key)
            ? keys.TryGetValue(key, out account)
            : _byAddress[chain].TryGetValue(address, out account);
}
