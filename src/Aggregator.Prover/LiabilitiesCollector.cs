using System.Collections.Concurrent;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using MassTransit;

namespace Aggregator.Prover;

/// <summary>
/// Asks every engine partition for its liabilities and gathers the answers of one request: complete
/// when each partition 0..N-1 has answered once, failed when one answers for another partition count
/// (a misconfigured replica), and timed out when one stays silent.
/// </summary>
internal sealed class LiabilitiesCollector(IBus bus, ReplyEndpoint<LiabilitiesReported> replies)
{
    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();

    /// <summary>Takes a partition's answer (from the reports consumer); answers to no open request are dropped.</summary>
    public void Report(LiabilitiesReported report)
    {
        if (_pending.TryGetValue(report.RequestId, out var pending))
        {
            pending.Add(report);
        }
    }

    /// <exception cref="EpochCloseException">A partition did not answer in time, or answered for another partition count.</exception>
    public async Task<IReadOnlyList<LiabilitiesReported>> CollectAsync(ulong epoch, int partitions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var pending = new Pending(partitions);
        _pending[id] = pending;
        try
        {
            await bus.Publish(new LiabilitiesRequested(id, epoch), request =>
            {
                request.ResponseAddress = replies.Address;
                request.RequestId = id;
            }, cancellationToken).ConfigureAwait(false);
            try
            {
                return await pending.Done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new EpochCloseException($"engine partitions {string.Join(", ", pending.Missing())} of {partitions} did not answer within {timeout.TotalSeconds:0} s");
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private sealed class Pending(int partitions)
    {
        // Per partition, its parts as they arrive (null until the first part says how many there are).
        private readonly LiabilitiesReported?[]?[] _parts = new LiabilitiesReported?[]?[partitions];

        public TaskCompletionSource<IReadOnlyList<LiabilitiesReported>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(LiabilitiesReported report)
        {
            lock (_parts)
            {
                if (report.PartitionCount != partitions || report.Partition < 0 || report.Partition >= partitions)
                {
                    Done.TrySetException(new EpochCloseException($"an engine answers as partition {report.Partition}/{report.PartitionCount}; the prover expects {partitions} partitions"));
                    return;
                }
                var parts = _parts[report.Partition] ??= new LiabilitiesReported?[Math.Max(1, report.Parts)];
                if (report.Parts != parts.Length || report.Part < 0 || report.Part >= parts.Length)
                {
                    Done.TrySetException(new EpochCloseException($"partition {report.Partition} sent part {report.Part} of {report.Parts}, after announcing {parts.Length} parts"));
                    return;
                }
                parts[report.Part] ??= report;
                if (_parts.All(p => p is not null && p.All(part => part is not null)))
                {
                    try
                    {
                        Done.TrySetResult([.. _parts.Select(Whole)]);
                    }
                    catch (EpochCloseException mixed)
                    {
                        Done.TrySetException(mixed);
                    }
                }
            }
        }

        public int[] Missing()
        {
            lock (_parts)
            {
                return [.. Enumerable.Range(0, partitions).Where(i => _parts[i] is null || _parts[i]!.Any(part => part is null))];
            }
        }

        // A partition's parts as one answer; parts of one answer that disagree on the blocks would mix
        // two states, so they stop the close.
        private static LiabilitiesReported Whole(LiabilitiesReported?[]? parts)
        {
            var first = parts![0]!;
            if (parts.Any(p => !p!.Heights.SequenceEqual(first.Heights) || !p.Assets.SequenceEqual(first.Assets)))
            {
                throw new EpochCloseException($"partition {first.Partition}'s parts disagree on the blocks or the assets");
            }
            return first with { Accounts = [.. parts.SelectMany(p => p!.Accounts)], Part = 0, Parts = 1 };
        }
    }
}

/// <summary>Why an epoch could not be closed; published as <see cref="EpochCloseFailed"/>.</summary>
internal sealed class EpochCloseException(string message) : Exception(message);
