using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aggregator.Core.Errors;
using Aggregator.Core.Files;

namespace Aggregator.Engine.Risk;

/// <summary>
/// How the risk role keeps its state: one JSON file per book, read whole and checked at start (a file that
/// does not parse, or whose figures do not, stops the start naming it), written whole through a renamed
/// temporary after every change. No path: in memory only.
/// </summary>
internal static class RiskStateFile
{
    /// <summary>The state on disk, or null when there is none yet.</summary>
    /// <param name="check">Throws <see cref="JsonException"/> or <see cref="FormatException"/> for a value the type admits but the book does not.</param>
    /// <exception cref="InputException">The file is corrupt, naming <paramref name="what"/> and the file.</exception>
    public static T? Read<T>(string? path, JsonTypeInfo<T> type, string what, Action<T> check)
        where T : class
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }
        try
        {
            var state = JsonSerializer.Deserialize(File.ReadAllBytes(path), type) ?? throw new JsonException("null");
            check(state);
            return state;
        }
        catch (Exception error) when (error is JsonException or FormatException)
        {
            throw new InputException($"{what} is corrupt: {error.Message}", file: path);
        }
    }

    public static void Write<T>(string? path, T state, JsonTypeInfo<T> type)
    {
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            SafeFile.WriteAtomically(path, JsonSerializer.Serialize(state, type), ownerOnly: true);
        }
    }
}
