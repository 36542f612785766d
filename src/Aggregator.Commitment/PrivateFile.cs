namespace Aggregator.Commitment;

/// <summary>Files that hold what only the institution may read (secrets, accounts, the books): owner-only from the moment they exist, not chmod after the write.</summary>
public static class PrivateFile
{
    /// <summary>Opens <paramref name="path"/> for writing; a file it creates is readable by its owner only (0600).</summary>
    public static FileStream Open(string path, FileMode mode, FileShare share = FileShare.None, int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return new FileStream(path, options);
    }
}
