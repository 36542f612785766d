using System.Runtime.InteropServices;

namespace Aggregator.Margin.Live;

/// <summary>
/// A growable table of unmanaged values in native memory, asked of the kernel in 2 MiB pages where it
/// grants them (Linux transparent huge pages, <c>madvise</c> mode). The live book reaches its rows at
/// random: with 4 KiB pages a million accounts span 130,000 pages, and nearly every reach misses the TLB
/// as well as the cache (measured in bench/RESULTS.md). Elsewhere the hint is simply not given.
/// </summary>
/// <remarks>The memory is freed when the table is collected, as an array's would be.</remarks>
internal sealed unsafe class HugePageTable<T>
    where T : unmanaged
{
    private const nuint HugePage = 2 << 20;
    private const nuint CacheLine = 64;
    private T* _items;
    private nuint _bytes;

    public HugePageTable(long length) => Resize(length);

    ~HugePageTable() => Free();

    public long Length { get; private set; }

    public ref T this[long index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((ulong)index, (ulong)Length, nameof(index));
            return ref _items[index];
        }
    }

    /// <summary>Grows or shrinks the table, keeping the values that fit; new values are zero.</summary>
    public void Resize(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var bytes = checked((nuint)length * (nuint)sizeof(T));
        // A small table (a small book, a test's) is whole cache lines; a large one whole huge pages.
        var huge = bytes >= HugePage;
        var alignment = huge ? HugePage : CacheLine;
        var rounded = Math.Max(alignment, (bytes + alignment - 1) & ~(alignment - 1));
        var items = (T*)NativeMemory.AlignedAlloc(rounded, alignment);
        if (huge && OperatingSystem.IsLinux())
        {
            _ = HugePages.Advise(items, rounded); // a hint: refused, the pages are small ones
        }
        // Zeroed after the advice, so that the first touch of each 2 MiB faults in one huge page.
        NativeMemory.Clear(items, rounded);
        if (_items != null)
        {
            Buffer.MemoryCopy(_items, items, rounded, Math.Min(_bytes, rounded));
            Free();
        }
        GC.AddMemoryPressure((long)rounded);
        _items = items;
        _bytes = rounded;
        Length = length;
    }

    private void Free()
    {
        if (_items != null)
        {
            NativeMemory.AlignedFree(_items);
            GC.RemoveMemoryPressure((long)_bytes);
            _items = null;
        }
    }
}

internal static unsafe partial class HugePages
{
    private const int AdviseHugePage = 14; // MADV_HUGEPAGE

    public static int Advise(void* address, nuint length) => Madvise(address, length, AdviseHugePage);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
