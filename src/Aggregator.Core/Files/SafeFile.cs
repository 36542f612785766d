namespace Aggregator.Core.Files;

/// <summary>
/// How every file of the product is written: whole or not at all (a temporary sibling renamed into place),
/// and, for what only the institution may read (secrets, accounts, the books), owner-only from the moment
/// it exists rather than chmod after the write.
/// </summary>
public static class SafeFile
{
    /// <summary>Opens <paramref name="path"/> for writing; a file it creates is readable by its owner only (0600).</summary>
    public static FileStream OpenPrivate(string path, FileMode mode, FileShare share = FileShare.None, int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return new FileStream(path, options);
    }

    /// <summary>Writes a file through a temporary sibling renamed into place: readers see the old or the new file, never half of one.</summary>
    /// <param name="path">The file, replaced whole if it exists.</param>
    /// <param name="contents">Its text, written as UTF-8.</param>
    /// <param name="ownerOnly">Readable by its owner only, from the moment it exists.</param>
    public static void WriteAtomically(string path, string contents, bool ownerOnly = false) =>
        WriteBytesAtomically(path, file => file.Write(System.Text.Encoding.UTF8.GetBytes(contents)), ownerOnly);

    /// <summary>Writes a file through a temporary sibling renamed into place: readers see the old or the new file, never half of one.</summary>
    /// <param name="path">The file, replaced whole if it exists.</param>
    /// <param name="write">Writes its contents.</param>
    /// <param name="ownerOnly">Readable by its owner only, from the moment it exists.</param>
    public static void WriteBytesAtomically(string path, Action<Stream> write, bool ownerOnly)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temporary = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var file = ownerOnly ? OpenPrivate(temporary, FileMode.CreateNew, bufferSize: 1 << 16) : new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true); // on disk before it replaces the old: a crash leaves one or the other
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
