using System.Security.Cryptography;

namespace Aggregator.Proving;

/// <summary>
/// Files a prover computes once and keeps between processes (a compiled witness calculator, a witness
/// layout), in a directory only its owner can write to. Each file starts with the SHA-256 of what follows,
/// so a damaged or partial file is never used; files are written whole (write, then rename). A cache that
/// others could write to, or that cannot be written, is not used: the next process computes again.
/// </summary>
internal static class PrivateCache
{
    /// <summary>
    /// The path of <paramref name="fileName"/> in <paramref name="directory"/> (created owner-only, 0700,
    /// if it did not exist), or null when there is no directory or others could write to it.
    /// </summary>
    public static string? PathFor(string? directory, string fileName) =>
        directory != null && PrivateDirectory(directory) ? Path.Combine(directory, fileName) : null;

    /// <summary>What <see cref="Write"/> wrote to <paramref name="path"/>, or null: no file, written by others, or damaged.</summary>
    public static byte[]? Read(string? path)
    {
        if (path is null || !File.Exists(path) || !OnlyOwnerWrites(path))
        {
            return null;
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return bytes.Length > 32 && SHA256.HashData(bytes.AsSpan(32)).AsSpan().SequenceEqual(bytes.AsSpan(0, 32)) ? bytes[32..] : null;
    }

    /// <summary>Writes <paramref name="contents"/> behind its SHA-256, whole or not at all; a failure costs the next process a computation, nothing more.</summary>
    public static void Write(string? path, ReadOnlySpan<byte> contents)
    {
        if (path is null)
        {
            return;
        }
        try
        {
            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            using (var file = File.Create(temporary))
            {
                file.Write(SHA256.HashData(contents));
                file.Write(contents);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The directory exists (created owner-only, 0700, if it did not) and only its owner can write to it.</summary>
    private static bool PrivateDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(path);
                }
                else
                {
                    Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
        return OnlyOwnerWrites(path);
    }

    /// <summary>Neither group nor others may write <paramref name="path"/> (always true on Windows, whose ACLs this does not read).</summary>
    private static bool OnlyOwnerWrites(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
}
