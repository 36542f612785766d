using System.Globalization;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Aggregator.Api.Epochs;

/// <summary>
/// The published epochs under the epochs directory, which the api role sees read-only (the prover's
/// shared volume): each epoch directory whose manifest recomputes and names its publication. Closed but
/// unpublished epochs are not listed: a commitment nobody published proves nothing. The directory is
/// scanned again at most once per <see cref="Refresh"/>; a manifest is read again only when its file
/// changes.
/// </summary>
internal sealed partial class PublishedEpochs(ApiSettings settings, TimeProvider clock, ILogger<PublishedEpochs> log)
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTime Written, PublishedEpoch? Epoch)> _read = [];
    private IReadOnlyList<PublishedEpoch> _newestFirst = [];
    private DateTimeOffset _scanned = DateTimeOffset.MinValue;

    /// <summary>Every published epoch, newest first (by epoch, then publisher).</summary>
    public IReadOnlyList<PublishedEpoch> NewestFirst()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (now - _scanned >= Refresh)
            {
                _newestFirst = Scan();
                _scanned = now;
            }
            return _newestFirst;
        }
    }

    /// <summary>A publisher's published epoch, or null.</summary>
    public PublishedEpoch? Find(string publisher, ulong epoch) =>
        NewestFirst().FirstOrDefault(e => e.Epoch == epoch && string.Equals(e.Publisher, publisher, StringComparison.OrdinalIgnoreCase));

    private List<PublishedEpoch> Scan()
    {
        var found = new List<PublishedEpoch>();
        if (!Directory.Exists(settings.EpochsDirectory))
        {
            return found;
        }
        var seen = new HashSet<string>();
        foreach (var directory in Directory.EnumerateDirectories(settings.EpochsDirectory))
        {
            // Epoch directories are named by their epoch; a staging directory (".NAME.tmp-…") is not one yet.
            if (!ulong.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }
            var manifest = Path.Combine(directory, EpochDirectory.ManifestFile);
            var written = File.Exists(manifest) ? File.GetLastWriteTimeUtc(manifest) : DateTime.MinValue;
            seen.Add(directory);
            if (!_read.TryGetValue(directory, out var known) || known.Written != written)
            {
                known = (written, Read(directory, manifest, written));
                _read[directory] = known;
            }
            if (known.Epoch is { } epoch)
            {
                found.Add(epoch);
            }
        }
        foreach (var gone in _read.Keys.Where(d => !seen.Contains(d)).ToArray())
        {
            _read.Remove(gone);
        }
        found.Sort((a, b) => b.Epoch != a.Epoch ? b.Epoch.CompareTo(a.Epoch) : string.CompareOrdinal(a.Publisher, b.Publisher));
        return found;
    }

    private PublishedEpoch? Read(string directory, string manifestPath, DateTime written)
    {
        if (written == DateTime.MinValue)
        {
            return null;
        }
        try
        {
            var manifest = EpochDirectory.ReadManifestFile(manifestPath);
            manifest.Binding();
            return manifest.Publication?.TransactionHash is null || manifest.Reserves is null ? null : new PublishedEpoch(directory, manifest);
        }
        catch (InputException error)
        {
            // A manifest that does not recompute is never served; the operator hears why.
            Unreadable(log, directory, error.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "epoch directory {Directory} is not served: {Reason}")]
    private static partial void Unreadable(ILogger logger, string directory, string reason);
}
