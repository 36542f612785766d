using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Aggregator.Commitment;
using Aggregator.Core.Errors;
using Aggregator.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Prover;

/// <summary>
/// The tree-worker role (docs/operations.md, "Tree workers"): takes the jobs of distributed tree builds
/// from the "tree-work" queue, one at a time, as competing consumers. A worker killed mid-job never
/// acknowledged it, so the broker hands it to another; a job done twice writes the same file.
/// </summary>
internal static partial class TreeWorkerRole
{
    public const string QueueName = "tree-work";

    public static void Add(IServiceCollection services, IBusRegistrationConfigurator bus, string epochsDirectory)
    {
        services.AddSingleton(new TreeWorkerSettings(epochsDirectory));
        bus.AddConsumer<TreeJobConsumer, TreeJobConsumerDefinition>();
    }

    /// <summary>Where a build's folder is: in the epochs directory, named by its epoch and build.</summary>
    /// <exception cref="InputException">A build that is not 32 hex digits (a path would be made of it).</exception>
    public static string BuildFolder(string epochsDirectory, ulong epoch, string build) =>
        BuildName().IsMatch(build)
            ? Path.Combine(epochsDirectory, string.Create(CultureInfo.InvariantCulture, $".tree-{epoch}-{build}"))
            : throw new InputException($"'{build}' is not a tree build (32 lower-case hex digits)", field: "build");

    public static string BuildPrefix(ulong epoch) => string.Create(CultureInfo.InvariantCulture, $".tree-{epoch}-");

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex BuildName();
}

internal sealed record TreeWorkerSettings(string EpochsDirectory);

/// <summary>One job at a time per worker, and one job fetched ahead of none: the rest wait in the queue for other workers (and count toward scaling).</summary>
internal sealed class TreeJobConsumerDefinition : ConsumerDefinition<TreeJobConsumer>
{
    public TreeJobConsumerDefinition() => Endpoint(e =>
    {
        e.Name = TreeWorkerRole.QueueName;
        e.ConcurrentMessageLimit = 1;
        e.PrefetchCount = 1;
    });
}

/// <summary>Does one job: reads its range from the build's folder and writes its file there.</summary>
internal sealed partial class TreeJobConsumer(TreeWorkerSettings settings, ILogger<TreeJobConsumer> log) : IConsumer<TreeJobRequested>
{
    public async Task Consume(ConsumeContext<TreeJobRequested> context)
    {
        var job = context.Message;
        var folder = TreeWorkerRole.BuildFolder(settings.EpochsDirectory, job.Epoch, job.Build);
        Started(log, job.Stage, job.Start, job.End, job.Epoch, job.Build);
        var clock = Stopwatch.StartNew();
        // The hashing takes both cores for a while: off the bus's threads.
        await Task.Run(() => TreeWork.Open(folder).Run(job.Stage, job.Start, job.End, context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
        Done(log, job.Stage, job.Start, job.End, job.Epoch, clock.Elapsed.TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "tree job started: {Stage} {Start}..{End} of epoch {Epoch} (build {Build})")]
    private static partial void Started(ILogger logger, string stage, long start, long end, ulong epoch, string build);

    [LoggerMessage(Level = LogLevel.Information, Message = "tree job done: {Stage} {Start}..{End} of epoch {Epoch} in {Seconds:F2} s")]
    private static partial void Done(ILogger logger, string stage, long start, long end, ulong epoch, double seconds);
}

/// <summary>
/// The prover's side of a distributed build: prepares the folder, sends each stage's jobs to the
/// "tree-work" queue (a durable queue, declared by the send, so jobs wait there for workers to start),
/// waits until every job's file is there, sorts between the stages and assembles the tree at the end.
/// </summary>
internal static partial class DistributedTree
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    /// <summary>The tree, and its folder (to delete once the epoch directory holds the tree).</summary>
    public static async Task<(MerkleSumTree Tree, TreeWork Work)> BuildAsync(
        ISendEndpointProvider sender, string epochsDirectory, ulong epoch, CommitmentParameters parameters, IReadOnlyList<LiabilityRow> rows,
        EpochSecret secret, int jobAccounts, ILogger log, CancellationToken cancellationToken)
    {
        // A build left by an earlier attempt at this close holds another secret: gone, with its jobs' files.
        foreach (var stale in Directory.Exists(epochsDirectory) ? Directory.GetDirectories(epochsDirectory, TreeWorkerRole.BuildPrefix(epoch) + "*") : [])
        {
            Directory.Delete(stale, recursive: true);
        }
        var build = Guid.NewGuid().ToString("N");
        var work = TreeWork.Prepare(TreeWorkerRole.BuildFolder(epochsDirectory, epoch, build), parameters, rows, secret, jobAccounts);
        var jobCount = work.Jobs().Count;
        var endpoint = await sender.GetSendEndpoint(new Uri($"queue:{TreeWorkerRole.QueueName}")).ConfigureAwait(false);
        try
        {
            var clock = Stopwatch.StartNew();
            await StageAsync(endpoint, work, epoch, build, TreeWork.IdentitiesStage, log, cancellationToken).ConfigureAwait(false);
            var leaves = work.Sort();
            await StageAsync(endpoint, work, epoch, build, TreeWork.SubtreesStage, log, cancellationToken).ConfigureAwait(false);
            var tree = work.Assemble(leaves, cancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;
            Built(log, epoch, rows.Count, jobCount, seconds);
            return (tree, work);
        }
        catch
        {
            work.Delete();
            throw;
        }
    }

    private static async Task StageAsync(ISendEndpoint endpoint, TreeWork work, ulong epoch, string build, string stage, ILogger log, CancellationToken cancellationToken)
    {
        var jobs = work.Jobs();
        await endpoint.SendBatch(jobs.Select(job => new TreeJobRequested(epoch, build, stage, job.Start, job.End)), cancellationToken).ConfigureAwait(false);
        var sinceReport = Stopwatch.StartNew();
        while (true)
        {
            var done = jobs.Count(job => work.IsDone(stage, job.Start));
            if (done == jobs.Count)
            {
                return;
            }
            if (sinceReport.Elapsed >= ReportEvery)
            {
                Waiting(log, epoch, stage, done, jobs.Count);
                sinceReport.Restart();
            }
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: tree of {Accounts} accounts built by the tree workers, {Jobs} jobs a stage, in {Seconds:F1} s")]
    private static partial void Built(ILogger logger, ulong epoch, int accounts, int jobs, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: waiting for the tree workers, {Stage} {Done} of {Jobs} jobs done")]
    private static partial void Waiting(ILogger logger, ulong epoch, string stage, int done, int jobs);
}
