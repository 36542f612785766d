using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aggregator.Crypto.Prover;

/// <summary>
/// A proving key's section of points used where its bytes lie (a mapped file, or an array the key was
/// read into): a G1 point is its 64 bytes, a G2 point its 128 (<see cref="Bn254.AffinePoint{T}"/>). The
/// section keeps its bytes alive; nothing is copied.
/// </summary>
internal sealed unsafe class SectionMemory<T>(ReadOnlyMemory<byte> bytes) : MemoryManager<T>
    where T : struct
{
    public override Span<T> GetSpan() => MemoryMarshal.Cast<byte, T>(MemoryMarshal.AsMemory(bytes).Span);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, bytes.Length / Unsafe.SizeOf<T>());
        var handle = bytes.Pin();
        return new MemoryHandle((byte*)handle.Pointer + (long)elementIndex * Unsafe.SizeOf<T>(), pinnable: new Pinned(handle));
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }

    // Unpins the bytes when the handle given out is disposed.
    private sealed class Pinned(MemoryHandle handle) : IPinnable
    {
        public MemoryHandle Pin(int elementIndex) => throw new NotSupportedException();

        public void Unpin() => handle.Dispose();
    }
}
