using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Aggregator.Api.Epochs;
using Aggregator.Core.Errors;
using Aggregator.Core.Files;
using Aggregator.Messages;
using Aggregator.Proving;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Api.Inclusion;

/// <summary>
/// Accounts' inclusion files, asked of a prover over the bus (any replica: they compete for the
/// requests) and cached in the api's own directory, owner-only, since each holds the account's salt and
/// balances. An answer is checked, as `aggregator verify inclusion` checks it against the epoch's
/// manifest and the pinned key, before it is cached or served: a wrong file is never handed out. Two
/// callers asking for the same file at once share one request. With a stated cap per epoch, the distinct
/// accounts served (the files cached) are counted, a slot taken before the prover is asked and given back
/// if it answers no file: past the cap, a new account is told so; how many were served is never shown.
/// </summary>
internal sealed partial class InclusionProofs(ApiSettings settings, IClientFactory clients, ILogger<InclusionProofs> log)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _pending = new();
    private readonly Lazy<VerificationKeys> _keys = new(() => VerificationKeys.Locate(settings.KeysDirectory));
    // Per epoch cache folder, the accounts served or being proved: counted from the folder the first time.
    private readonly ConcurrentDictionary<string, StrongBox<int>> _served = new();

    /// <summary>The account's inclusion file in <paramref name="epoch"/>, or null when the prover holds none for it.</summary>
    /// <exception cref="RequestTimeoutException">No prover answered in time.</exception>
    /// <exception cref="InclusionCapReachedException">The epoch's stated cap is reached and this account's file is not among those served.</exception>
    public async Task<string?> GetAsync(PublishedEpoch epoch, string account, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(settings.CacheDirectory, epoch.Publisher, epoch.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var path = Path.Combine(folder, EpochProofs.InclusionFileName(account));
        if (File.Exists(path))
        {
            return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        var pending = _pending.GetOrAdd(path, _ => new Lazy<Task<string?>>(() => AskWithinCapAsync(epoch, account, folder, path)));
        try
        {
            return await pending.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(KeyValuePair.Create(path, pending));
        }
    }

    // A slot of the epoch's cap taken before the prover is asked, given back when no file comes of it.
    private async Task<string?> AskWithinCapAsync(PublishedEpoch epoch, string account, string folder, string path)
    {
        if (settings.InclusionProofsPerEpoch is not { } cap)
        {
            return await AskAsync(epoch, account, path).ConfigureAwait(false);
        }
        var served = _served.GetOrAdd(folder, f => new StrongBox<int>(Directory.Exists(f) ? Directory.EnumerateFiles(f, "*.json").Count() : 0));
        if (Interlocked.Increment(ref served.Value) > cap)
        {
            Interlocked.Decrement(ref served.Value);
            throw new InclusionCapReachedException(cap);
        }
        string? document = null;
        try
        {
            document = await AskAsync(epoch, account, path).ConfigureAwait(false);
            return document;
        }
        finally
        {
            if (document is null)
            {
                Interlocked.Decrement(ref served.Value);
            }
        }
    }

    // Not cancelled with one caller: another may be waiting for the same answer.
    private async Task<string?> AskAsync(PublishedEpoch epoch, string account, string path)
    {
        var client = clients.CreateRequestClient<InclusionProofRequested>(RequestTimeout.After(ms: (int)settings.InclusionTimeout.TotalMilliseconds));
        var response = await client.GetResponse<InclusionProofIssued, InclusionProofRefused>(new InclusionProofRequested(epoch.Epoch, account)).ConfigureAwait(false);
        if (!response.Is(out Response<InclusionProofIssued>? issued))
        {
            return null;
        }
        var document = issued.Message.Document;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var checking = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var file = SafeFile.OpenPrivate(checking, FileMode.CreateNew))
            {
                file.Write(System.Text.Encoding.UTF8.GetBytes(document));
            }
            var report = ProofChecks.Inclusion(checking, ProofChecks.Published.FromManifest(Path.Combine(epoch.Directory, Commitment.EpochDirectory.ManifestFile)), _keys.Value);
            var named = System.Text.Json.Nodes.JsonNode.Parse(document)?["account"]?.GetValue<string>();
            if (!report.IsValid || named != account)
            {
                Rejected(log, epoch.Epoch, report.Failure ?? "the file names another account");
                throw new InvalidOperationException($"the prover's inclusion file for epoch {epoch.Epoch} does not verify against the published manifest; nothing was served");
            }
            File.Move(checking, path, overwrite: true);
        }
        catch (InputException error)
        {
            Rejected(log, epoch.Epoch, error.Message);
            throw new InvalidOperationException($"the prover's inclusion file for epoch {epoch.Epoch} is malformed; nothing was served", error);
        }
        finally
        {
            File.Delete(checking);
        }
        return document;
    }

    // The account is not logged: a log line is not the place for who asked about which account.
    [LoggerMessage(Level = LogLevel.Error, Message = "a prover's inclusion file for epoch {Epoch} was refused: {Reason}")]
    private static partial void Rejected(ILogger logger, ulong epoch, string reason);
}

/// <summary>The epoch's stated cap of inclusion proofs is reached (the caller is told the cap, never the count).</summary>
internal sealed class InclusionCapReachedException(int cap) : Exception($"this epoch's stated cap of {cap} inclusion proofs is reached")
{
    public int Cap => cap;
}
