using System.Collections.Concurrent;
using Aggregator.Messages;
using MassTransit;

namespace Aggregator.Host.Prover;

/// <summary>
/// Asks every engine partition for its liabilities and gathers the answers of one request: complete
/// when each partition 0..N-1 has answered once, failed when one answers for another partition count
/// (a misconfigured replica), and timed out when one stays silent.
/// </summary>
internal sealed class LiabilitiesCollector(IBus bus)
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
            await bus.Publish(new LiabilitiesRequested(id, epoch), cancellationToken).ConfigureAwait(false);
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
        private readonly LiabilitiesReported?[] _reports = new LiabilitiesReported?[partitions];

        public TaskCompletionSource<IReadOnlyList<LiabilitiesReported>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(LiabilitiesReported report)
        {
            lock (_reports)
            {
                if (report.PartitionCount != partitions || report.Partition < 0 || report.Partition >= partitions)
                {
                    Done.TrySetException(new EpochCloseException($"an engine answers as partition {report.Partition}/{report.PartitionCount}; the prover expects {partitions} partitions"));
                    return;
                }
                _reports[report.Partition] ??= report;
                if (_reports.All(r => r is not null))
                {
                    Done.TrySetResult(_reports!);
                }
            }
        }

        public int[] Missing()
        {
            lock (_reports)
            {
                return Enumerable.Range(0, partitions).Where(i => _reports[i] is null).ToArray();
            }
        }
    }
}

/// <summary>Why an epoch could not be closed; published as <see cref="EpochCloseFailed"/>.</summary>
public sealed class EpochCloseException(string message) : Exception(message);
