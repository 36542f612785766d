using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Aggregator.Proving;

/// <summary>
/// A file's bytes mapped read-only into memory, as a <see cref="Memory{T}"/> for readers that take one.
/// For a large file read once (a proving key), mapping costs a fraction of reading it into a fresh array:
/// the kernel maps the cached pages, many per fault, where a fresh array faults on every page and copies.
/// Its memory is valid until it is disposed; one that is not (a proving key's, whose points are used
/// where they lie) stays mapped while the process lives, even once collected, so that no span can outlive
/// it. A mapped file must not be rewritten in place meanwhile (keys are replaced by a rename).
/// </summary>
internal sealed unsafe class MappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _bytes;
    private readonly int _length;

    public MappedFile(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > int.MaxValue)
        {
            throw new IOException($"{path} is {length} bytes, more than a proving key can be");
        }
        _length = (int)length;
        if (_length == 0)
        {
            return; // nothing to map: an empty memory, which the reader refuses by name
        }
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _bytes);
        _bytes += _view.PointerOffset;
    }

    public override Span<byte> GetSpan() => new(_bytes, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_bytes + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file?.Dispose();
    }
}
