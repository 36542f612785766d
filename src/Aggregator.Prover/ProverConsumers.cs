using Aggregator.Core.Errors;
using Aggregator.Host.Bus;
using Aggregator.Messages;
using Aggregator.Proving;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Aggregator.Prover;

/// <summary>Closes the epoch asked for, one at a time, and announces it closed or why not (and answers the asker, if it waits).</summary>
internal sealed partial class EpochCloseRequestedConsumer(EpochCloser closer, ILogger<EpochCloseRequestedConsumer> log) : IConsumer<EpochCloseRequested>
{
    public async Task Consume(ConsumeContext<EpochCloseRequested> context)
    {
        var epoch = context.Message.Epoch;
        try
        {
            var (closed, reserves) = await closer.CloseAsync(epoch, context.CancellationToken).ConfigureAwait(false);
            await context.Publish(reserves, context.CancellationToken).ConfigureAwait(false);
            await context.Publish(closed, context.CancellationToken).ConfigureAwait(false);
            if (context.ResponseAddress is not null)
            {
                await context.RespondAsync(closed).ConfigureAwait(false);
            }
            Closed(log, epoch, closed.Commitment, closed.RegistryTransaction ?? "not published");
        }
        catch (EpochCloseException failure)
        {
            Failed(log, epoch, failure.Message);
            await AnnounceFailureAsync(context, new EpochCloseFailed(epoch, failure.Message)).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A fault of the prover's own: the asker and the announcement still hear that the epoch did
            // not close (a retry would meet the same fault).
            Faulted(log, error, epoch);
            await AnnounceFailureAsync(context, new EpochCloseFailed(epoch, $"internal error: {error.GetType().Name}: {error.Message} (the prover's log has the details)")).ConfigureAwait(false);
        }
    }

    private static async Task AnnounceFailureAsync(ConsumeContext context, EpochCloseFailed failed)
    {
        await context.Publish(failed, context.CancellationToken).ConfigureAwait(false);
        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(failed).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "epoch {Epoch} not closed: a fault of the prover's own")]
    private static partial void Faulted(ILogger logger, Exception error, ulong epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch} closed: commitment {Commitment}, {Transaction}")]
    private static partial void Closed(ILogger logger, ulong epoch, string commitment, string transaction);

    [LoggerMessage(Level = LogLevel.Error, Message = "epoch {Epoch} not closed: {Reason}")]
    private static partial void Failed(ILogger logger, ulong epoch, string reason);
}

/// <summary>
/// Answers a request for an account's inclusion proof in a published epoch: the file proved at the close
/// (the all-accounts mode), or a new proof made in memory and written nowhere, since replicas may mount
/// the epoch directories read-only (the asker caches). An epoch closed but never published (the registry
/// refused it, or it failed half way) has no proofs: a proof against a commitment nobody published would
/// verify against its own manifest and prove nothing. An account the epoch does not hold gets the same
/// answer whatever the reason, so the answer tells no one which accounts exist.
/// </summary>
internal sealed class InclusionProofRequestedConsumer(ProverSettings settings, IProver prover, EpochTrees trees) : IConsumer<InclusionProofRequested>
{
    public async Task Consume(ConsumeContext<InclusionProofRequested> context)
    {
        var (epoch, account) = (context.Message.Epoch, context.Message.Account);
        var directory = settings.EpochDirectory(epoch);
        if (!File.Exists(Path.Combine(directory, Commitment.EpochDirectory.ManifestFile))
            || Commitment.EpochDirectory.ReadManifest(directory).Publication?.TransactionHash is null)
        {
            await context.RespondAsync(new InclusionProofRefused(epoch, account, $"epoch {epoch} is not a published epoch of this prover")).ConfigureAwait(false);
            return;
        }
        var proved = Path.Combine(directory, "inclusion", EpochProofs.InclusionFileName(account));
        string document;
        try
        {
            if (File.Exists(proved))
            {
                document = await File.ReadAllTextAsync(proved, context.CancellationToken).ConfigureAwait(false);
            }
            else
            {
                var (manifest, tree) = trees.Get(directory);
                var inclusion = await new EpochProofs(prover).InclusionDocumentAsync(manifest, tree, account, context.CancellationToken).ConfigureAwait(false);
                document = Commitment.EpochDirectory.DocumentText(inclusion);
            }
        }
        catch (InputException)
        {
            await context.RespondAsync(new InclusionProofRefused(epoch, account, $"no inclusion proof for '{account}' in epoch {epoch}")).ConfigureAwait(false);
            return;
        }
        await context.RespondAsync(new InclusionProofIssued(epoch, account, document)).ConfigureAwait(false);
    }
}

/// <summary>
/// Answers a request for an account's collateral attestation in a published epoch: proved in memory and
/// written nowhere (the asker checks and serves it). As for inclusion proofs, an epoch not published here
/// and an account it does not hold get one answer, whatever the reason.
/// </summary>
internal sealed class CollateralAttestationRequestedConsumer(ProverSettings settings, IProver prover, EpochTrees trees) : IConsumer<CollateralAttestationRequested>
{
    public async Task Consume(ConsumeContext<CollateralAttestationRequested> context)
    {
        var request = context.Message;
        var directory = settings.EpochDirectory(request.Epoch);
        var unknown = new CollateralAttestationRefused(request.Epoch, false, $"no attestation for '{request.Account}' in epoch {request.Epoch}");
        if (!File.Exists(Path.Combine(directory, Commitment.EpochDirectory.ManifestFile))
            || Commitment.EpochDirectory.ReadManifest(directory).Publication?.TransactionHash is null)
        {
            await context.RespondAsync(unknown).ConfigureAwait(false);
            return;
        }
        CollateralAttestations.Result result;
        try
        {
            var (manifest, tree) = trees.Get(directory);
            if (tree.FindLeaf(request.Account) is null)
            {
                await context.RespondAsync(unknown).ConfigureAwait(false);
                return;
            }
            var terms = new CollateralTerms(request.Prices, request.Weights, request.Threshold, CollateralTerms.ParseSubject(request.Subject, "subject"), CollateralTerms.ParseScope(request.Scope, "scope"));
            result = await new CollateralAttestations(prover).AttestAsync(manifest, tree, request.Account, terms, context.CancellationToken).ConfigureAwait(false);
        }
        catch (InputException refused)
        {
            await context.RespondAsync(new CollateralAttestationRefused(request.Epoch, false, refused.Message)).ConfigureAwait(false);
            return;
        }
        await context.RespondAsync(result.Document is { } document
            ? new CollateralAttestationIssued(request.Epoch, Commitment.EpochDirectory.DocumentText(document))
            : new CollateralAttestationRefused(request.Epoch, true, result.Shortfall!)).ConfigureAwait(false);
    }
}

/// <summary>
/// The tree of the epoch last asked about, kept loaded: reading a depth-20 tree costs far more than a
/// proof, and requests come for the newest epoch. Only a published epoch's tree is kept, and a tree is
/// never written, so a cached one cannot go stale.
/// </summary>
internal sealed class EpochTrees
{
    private readonly Lock _gate = new();
    private (string Directory, Commitment.EpochManifest Manifest, Commitment.MerkleSumTree Tree)? _last;

    /// <exception cref="InputException">The directory's manifest or tree is missing or malformed.</exception>
    public (Commitment.EpochManifest Manifest, Commitment.MerkleSumTree Tree) Get(string directory)
    {
        lock (_gate)
        {
            if (_last is not { } last || last.Directory != directory)
            {
                last = (directory, Commitment.EpochDirectory.ReadManifest(directory), Commitment.EpochDirectory.ReadTree(directory));
                _last = last;
            }
            return (last.Manifest, last.Tree);
        }
    }
}
