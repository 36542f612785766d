using System.Diagnostics;
using System.Globalization;
using Aggregator.Core.Files;
using Aggregator.Messages;
using Aggregator.Proving;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Prover;

/// <summary>
/// Every prover replica's share of an all-accounts proving (docs/operations.md, "Proving every account"):
/// one batch at a time from the shared "prover-inclusion-all" queue, fetched one ahead of none, so the
/// batches spread over the replicas; a replica that dies mid-batch never acknowledged it, and another
/// proves it (keeping the files the first one finished, once they verify).
/// </summary>
internal sealed class InclusionBatchConsumerDefinition : ConsumerDefinition<InclusionBatchConsumer>
{
    public InclusionBatchConsumerDefinition() => Endpoint(e =>
    {
        e.Name = InclusionBatches.QueueName;
        e.ConcurrentMessageLimit = 1;
        e.PrefetchCount = 1;
    });
}

/// <summary>Proves one batch into the epoch's inclusion/ folder, then marks it done for the closing prover.</summary>
internal sealed partial class InclusionBatchConsumer(ProverSettings settings, IProver prover, EpochTrees trees, ILogger<InclusionBatchConsumer> log) : IConsumer<InclusionBatchRequested>
{
    public async Task Consume(ConsumeContext<InclusionBatchRequested> context)
    {
        var batch = context.Message;
        var directory = settings.EpochDirectory(batch.Epoch);
        var (_, tree) = trees.Get(directory);
        Started(log, batch.Start, batch.End, batch.Epoch);
        var done = await new EpochProofs(prover).ProveInclusionsAsync(directory, tree, Path.Combine(directory, InclusionBatches.Folder), VerificationKeys.Locate(settings.KeysDirectory),
            batch.Start, batch.End, cancellationToken: context.CancellationToken).ConfigureAwait(false);
        InclusionBatches.MarkDone(directory, batch.Start, batch.End, done.Proved, done.Kept);
        var seconds = done.Elapsed.TotalSeconds;
        Done(log, batch.Start, batch.End, batch.Epoch, done.Proved, done.Kept, seconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "inclusion batch started: leaves {Start}..{End} of epoch {Epoch}")]
    private static partial void Started(ILogger logger, int start, int end, ulong epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "inclusion batch done: leaves {Start}..{End} of epoch {Epoch}, {Proved} proved and {Kept} kept in {Seconds:F1} s")]
    private static partial void Done(ILogger logger, int start, int end, ulong epoch, int proved, int kept, double seconds);
}

/// <summary>
/// The side that asks (a closing prover, or `aggregator prove inclusion --all --bus`): sends one batch per
/// range of leaves to "prover-inclusion-all" (declared by the send: batches wait there for replicas), and
/// waits until every batch is marked done, reporting progress as batches finish. A run asked again sends
/// every batch again: each file already there is verified and kept, not proved again.
/// </summary>
public static class InclusionBatches
{
    public const string QueueName = "prover-inclusion-all";
    public const string Folder = "inclusion";
    private const string MarkFolder = ".inclusion-batches";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Every account's inclusion file of the epoch in <paramref name="directory"/>, by the prover replicas; what they proved and kept.</summary>
    /// <param name="directory">The epoch's directory, on the volume the replicas share (where they find it by its epoch).</param>
    public static async Task<EpochProofs.InclusionProgress> ProveAllAsync(
        ISendEndpointProvider sender, string directory, int batchAccounts, IProgress<EpochProofs.InclusionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchAccounts, 1);
        var epoch = Commitment.EpochDirectory.ReadManifest(directory).Epoch;
        var leafCount = Commitment.EpochDirectory.LeafCount(directory); // the replicas load the tree, not the asker
        var marks = Path.Combine(directory, MarkFolder);
        if (Directory.Exists(marks))
        {
            Directory.Delete(marks, recursive: true); // an earlier run's: every batch is checked again
        }
        Directory.CreateDirectory(marks);
        var batches = new List<(int Start, int End)>();
        for (var start = 0; start < leafCount; start += batchAccounts)
        {
            batches.Add((start, Math.Min(start + batchAccounts, leafCount)));
        }
        var endpoint = await sender.GetSendEndpoint(new Uri($"queue:{QueueName}")).ConfigureAwait(false);
        await endpoint.SendBatch(batches.Select(b => new InclusionBatchRequested(epoch, b.Start, b.End)), cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var reported = -1;
        while (true)
        {
            var finished = batches.Select(b => Mark(directory, b.Start, b.End)).Where(m => m is not null).Select(m => m!.Value).ToArray();
            var (proved, kept) = (finished.Sum(m => m.Proved), finished.Sum(m => m.Kept));
            var now = new EpochProofs.InclusionProgress(proved + kept, leafCount, proved, kept, clock.Elapsed);
            if (finished.Length != reported)
            {
                progress?.Report(now);
                reported = finished.Length;
            }
            if (finished.Length == batches.Count)
            {
                return now;
            }
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks a batch done (written whole), with what it proved and kept.</summary>
    public static void MarkDone(string directory, int start, int end, int proved, int kept)
    {
        Directory.CreateDirectory(Path.Combine(directory, MarkFolder));
        SafeFile.WriteAtomically(MarkPath(directory, start, end), string.Create(CultureInfo.InvariantCulture, $"{proved} {kept}\n"));
    }

    private static (int Proved, int Kept)? Mark(string directory, int start, int end)
    {
        var path = MarkPath(directory, start, end);
        if (!File.Exists(path))
        {
            return null;
        }
        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.TrimEntries);
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static string MarkPath(string directory, int start, int end) =>
        Path.Combine(directory, MarkFolder, string.Create(CultureInfo.InvariantCulture, $"{start:D10}-{end:D10}"));

}

/// <summary>An all-accounts proving's progress in the prover's log, at most every <paramref name="every"/>: accounts done, a second, and the time left.</summary>
internal sealed partial class LoggedInclusionProgress(ILogger log, ulong epoch, TimeSpan every) : IProgress<EpochProofs.InclusionProgress>
{
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();

    public void Report(EpochProofs.InclusionProgress value)
    {
        if (value.Done != value.Total && _sinceLine.Elapsed < every)
        {
            return;
        }
        _sinceLine.Restart();
        var perSecond = value.Done / Math.Max(value.Elapsed.TotalSeconds, 1e-9);
        var left = EpochProofs.TimeLeft(value);
        Progress(log, epoch, value.Done, value.Total, perSecond, left);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: {Done} of {Total} accounts' inclusion proofs done, {PerSecond:F1} a second, {Left} left")]
    private static partial void Progress(ILogger logger, ulong epoch, int done, int total, double perSecond, string left);
}
