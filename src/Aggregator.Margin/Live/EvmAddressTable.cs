using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Aggregator.Margin.Live;

/// <summary>An EVM address's 20 bytes as three words (any spelling of the hex, either case).</summary>
internal readonly record struct EvmKey(ulong High, ulong Middle, uint Low)
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
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]));
        return true;
    }
}

/// <summary>
/// One chain's EVM deposit addresses and their accounts, in one open-addressed table (linear probing,
/// at most half full) of 32-byte slots in huge pages. Every observed balance looks its address up: in a
/// dictionary of a million entries that was a bucket and an entry in two random places, each a cache and
/// TLB miss (a third of the engine's time on the bus, measured); here it is one line, which a batch asks
/// for a few addresses ahead (<see cref="Prefetch"/>).
/// </summary>
internal sealed unsafe class EvmAddressTable
{
    [StructLayout(LayoutKind.Sequential, Size = 32)]
    private struct Slot
    {
        public ulong High;
        public ulong Middle;
        public uint Low;
        public int AccountPlusOne; // 0: empty
    }

    private const long InitialCapacity = 1024;

    // A per-table random seed: no list of addresses chosen in advance piles up on one run of slots.
    private readonly ulong _seed = (ulong)Random.Shared.NextInt64();
    private HugePageTable<Slot> _slots = new(InitialCapacity);
    private long _mask = InitialCapacity - 1;

    public int Count { get; private set; }

    /// <summary>Adds an address; false if it is already there (with whichever account).</summary>
    public bool TryAdd(in EvmKey key, int account)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(account);
        if ((Count + 1) * 2L > _slots.Length)
        {
            Grow();
        }
        ref var slot = ref Probe(key, out var found);
        if (found)
        {
            return false;
        }
        slot = new Slot { High = key.High, Middle = key.Middle, Low = key.Low, AccountPlusOne = account + 1 };
        Count++;
        return true;
    }

    public bool TryFind(in EvmKey key, out int account)
    {
        var slot = Probe(key, out var found);
        account = found ? slot.AccountPlusOne - 1 : -1;
        return found;
    }

    /// <summary>Asks for the line where <paramref name="key"/>'s search starts (a hint only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(in EvmKey key)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[Home(key)]));
        }
    }

    // The slot holding the key (found), or the empty slot where it would go.
    private ref Slot Probe(in EvmKey key, out bool found)
    {
        for (var index = Home(key); ; index = (index + 1) & _mask)
        {
            ref var slot = ref _slots[index];
            if (slot.AccountPlusOne == 0 || (slot.High == key.High && slot.Middle == key.Middle && slot.Low == key.Low))
            {
                found = slot.AccountPlusOne != 0;
                return ref slot;
            }
        }
    }

    private long Home(in EvmKey key)
    {
        var hash = (key.High ^ _seed) * 0x9E3779B97F4A7C15UL;
        hash ^= key.Middle * 0xC2B2AE3D27D4EB4FUL;
        hash ^= (key.Low + _seed) * 0x165667B19E3779F9UL;
        hash ^= hash >> 31;
        hash *= 0xD6E8FEB86659FD93UL;
        hash ^= hash >> 32;
        return (long)(hash & (ulong)_mask);
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new HugePageTable<Slot>(old.Length * 2);
        _mask = _slots.Length - 1;
        Count = 0;
        for (long i = 0; i < old.Length; i++)
        {
            ref var slot = ref old[i];
            if (slot.AccountPlusOne != 0)
            {
                TryAdd(new EvmKey(slot.High, slot.Middle, slot.Low), slot.AccountPlusOne - 1);
            }
        }
    }
}
