using System.Globalization;
using System.Text.Json.Nodes;
using Aggregator.Chains.Evm.Registry;
using Aggregator.Commitment;
using Aggregator.Core.Files;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Prover;

/// <summary>
/// What the registry records of each epoch this prover published, as it last read it, written beside the
/// epoch as <c>registry.json</c> for the api to serve (it reads no chain itself): the epoch's status, whether
/// it was proven to double-claim, its disputes (filed, answered: an upper bound, anyone may file), its
/// auditors' co-signatures, and whether the publisher's latest due window was missed (docs/api.md).
/// </summary>
public static class RegistryStatus
{
    public const string FileName = "registry.json";

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Reads the registry for every published epoch under <paramref name="epochsDirectory"/> and writes each one's file whole; returns how many.</summary>
    public static async Task<int> WriteAsync(string epochsDirectory, RegistryTarget registry, string publisher, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!Directory.Exists(epochsDirectory))
        {
            return 0;
        }
        var client = new SolvencyRegistryClient(new Nethereum.Web3.Web3(registry.RpcUrl), registry.Address, publisher);
        var (latest, due) = (await client.LatestEpochAsync(publisher).ConfigureAwait(false), await client.LatestDueAsync(publisher).ConfigureAwait(false));
        var written = 0;
        foreach (var directory in Directory.GetDirectories(epochsDirectory).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!File.Exists(Path.Combine(directory, EpochDirectory.ManifestFile))
                || EpochDirectory.ReadManifest(directory) is not { Publication: { } publication } manifest
                || !string.Equals(publication.Registry, registry.Address, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var epoch = manifest.Epoch;
            var disputes = await client.DisputesAsync(publisher, epoch).ConfigureAwait(false);
            var coSignatures = await client.CoSignaturesAsync(publisher, epoch).ConfigureAwait(false);
            var status = new JsonObject
            {
                ["readAt"] = now.ToString("O", CultureInfo.InvariantCulture),
                ["chain"] = registry.Chain.ToString(),
                ["registry"] = registry.Address,
                ["publisher"] = publisher.ToLowerInvariant(),
                ["epoch"] = epoch,
                ["status"] = (await client.StatusOfAsync(publisher, epoch).ConfigureAwait(false)).ToString().ToLowerInvariant(),
                ["doubleClaimed"] = await client.DoubleClaimedAsync(publisher, epoch).ConfigureAwait(false),
                ["disputes"] = new JsonObject { ["filed"] = disputes.Count, ["answered"] = disputes.Count(d => d.Answer is not null) },
                ["coSignatures"] = new JsonArray([.. coSignatures.Select(c => (JsonNode)new JsonObject
                {
                    ["auditor"] = c.Auditor.Address,
                    ["name"] = c.Auditor.Name,
                    ["reportHash"] = "0x" + Convert.ToHexStringLower(c.ReportHash),
                    ["signedAt"] = c.SignedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["revokedAt"] = c.Auditor.RevokedAt?.ToString("O", CultureInfo.InvariantCulture),
                })]),
                // The publisher now, not this epoch: a later window missed makes every feed answer -1.
                ["latestEpoch"] = latest,
                ["missedEpoch"] = due > latest ? due : null,
            };
            SafeFile.WriteAtomically(Path.Combine(directory, FileName), status.ToJsonString(Indented) + "\n");
            written++;
        }
        return written;
    }
}

/// <summary>Rewrites every published epoch's <see cref="RegistryStatus"/> file now and then; a failed read is logged and tried again next time.</summary>
internal sealed partial class RegistryStatusRefresh(ProverSettings settings, RegistryTarget registry, TimeProvider clock, ILogger<RegistryStatusRefresh> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.RegistryStatusEvery, clock);
        do
        {
            try
            {
                await RegistryStatus.WriteAsync(settings.Directory, registry, settings.Publisher(), clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                NotRead(log, error.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the registry's record of the published epochs was not read: {Reason}")]
    private static partial void NotRead(ILogger logger, string reason);
}
